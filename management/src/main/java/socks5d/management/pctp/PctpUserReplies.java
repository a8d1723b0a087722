package socks5d.management.pctp;

import socks5d.management.UserReplies;
import socks5d.management.pctp.wire.PctpReply;

/** The PCTP reply to each reply of the user directory (docs/protocols/pctp.md, Replies). Immutable. */
final class PctpUserReplies {
    private static final PctpReply NOT_FOUND = new PctpReply.Err("User not found");
    /** The user list could not be saved; the directory is unchanged. */
    private static final PctpReply NOT_SAVED = new PctpReply.Err("Could not save the user list");
    private static final PctpReply ADDED = new PctpReply.Ok("Successfully added user");

    /** PASS after ADD and USER. {@code Updated} answers only a put; it stores the user, as {@code Added}. */
    static final UserReplies.ToAdd<PctpReply> ADD = new UserReplies.ToAdd<>(added -> ADDED, updated -> ADDED,
            new PctpReply.Err("User already exists"), new PctpReply.Err("User limit reached"),
            why -> new PctpReply.Err(PctpSession.oneLine(why)), failed -> NOT_SAVED);
    /** DEL. */
    static final UserReplies.ToRemove<PctpReply> DEL = new UserReplies.ToRemove<>(
            removed -> new PctpReply.Ok("Successfully deleted user"), NOT_FOUND, failed -> NOT_SAVED);
    /** LIMIT. */
    static final UserReplies.ToSetLimits<PctpReply> LIMIT = new UserReplies.ToSetLimits<>(
            (user, limits) -> new PctpReply.Ok("Limits set"), NOT_FOUND, failed -> NOT_SAVED);

    private PctpUserReplies() {
    }
}
