package socks5d.management.pctp;

import socks5d.management.pctp.wire.PctpReply;
import socks5d.management.users.UserDirectory;

/**
 * The PCTP reply to each reply of the user directory (docs/protocols/pctp.md, Replies): one
 * branch per reply type the directory may send, the last one by cast, so a reply type added to
 * the directory fails {@code PctpUserRepliesTest} instead of falling into a default. Pure.
 */
final class PctpUserReplies {
    private PctpUserReplies() {
    }

    /** PASS after ADD and USER. {@code Updated} answers only a put; it stores the user, as {@code Added}. */
    static PctpReply of(UserDirectory.AddUserReply reply) {
        if (reply instanceof UserDirectory.Added || reply instanceof UserDirectory.Updated) {
            return new PctpReply.Ok("Successfully added user");
        } else if (reply instanceof UserDirectory.AlreadyExists) {
            return new PctpReply.Err("User already exists");
        } else if (reply instanceof UserDirectory.LimitReached) {
            return new PctpReply.Err("User limit reached");
        } else if (reply instanceof UserDirectory.Invalid invalid) {
            return new PctpReply.Err(PctpSession.oneLine(invalid.why()));
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** DEL. */
    static PctpReply of(UserDirectory.RemoveUserReply reply) {
        if (reply instanceof UserDirectory.Removed) {
            return new PctpReply.Ok("Successfully deleted user");
        } else if (reply instanceof UserDirectory.NotFound) {
            return notFound();
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** LIMIT. */
    static PctpReply of(UserDirectory.SetLimitsReply reply) {
        if (reply instanceof UserDirectory.LimitsSet) {
            return new PctpReply.Ok("Limits set");
        } else if (reply instanceof UserDirectory.NotFound) {
            return notFound();
        }
        return failed((UserDirectory.Failed) reply);
    }

    private static PctpReply notFound() {
        return new PctpReply.Err("User not found");
    }

    /** The user list could not be saved; the directory is unchanged. */
    private static PctpReply failed(UserDirectory.Failed reply) {
        return new PctpReply.Err("Could not save the user list");
    }
}
