package socks5d.management.mass;

import socks5d.management.mass.wire.MassStatus;
import socks5d.management.users.UserDirectory;

/**
 * The MASS STATUS of each reply of the user directory (docs/protocols/mass.md, Status codes): one
 * branch per reply type the directory may send, the last one by cast, so a reply type added to
 * the directory fails {@code MassUserStatusTest} instead of falling into a default. Pure.
 */
final class MassUserStatus {
    private MassUserStatus() {
    }

    /**
     * X'0A' (add user): MASS has no status of its own for a taken name or a bad field; they are
     * server errors. {@code Updated} answers only a put; it stores the user, as {@code Added}.
     */
    static MassStatus of(UserDirectory.AddUserReply reply) {
        if (reply instanceof UserDirectory.Added || reply instanceof UserDirectory.Updated) {
            return MassStatus.SUCCESS;
        } else if (reply instanceof UserDirectory.LimitReached) {
            return MassStatus.USER_LIMIT;
        } else if (reply instanceof UserDirectory.AlreadyExists || reply instanceof UserDirectory.Invalid) {
            return MassStatus.SERVER_ERROR;
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** X'0B' (delete user): a name that is not a user is a server error. */
    static MassStatus of(UserDirectory.RemoveUserReply reply) {
        if (reply instanceof UserDirectory.Removed) {
            return MassStatus.SUCCESS;
        } else if (reply instanceof UserDirectory.NotFound) {
            return MassStatus.SERVER_ERROR;
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** The user list could not be saved. */
    private static MassStatus failed(UserDirectory.Failed reply) {
        return MassStatus.SERVER_ERROR;
    }
}
