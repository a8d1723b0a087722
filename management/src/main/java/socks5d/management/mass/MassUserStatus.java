package socks5d.management.mass;

import socks5d.management.UserReplies;
import socks5d.management.mass.wire.MassStatus;

/**
 * The MASS STATUS of each reply of the user directory (docs/protocols/mass.md, Status codes): MASS
 * has no status of its own for a taken name, a bad field, an unknown user or a user list that
 * could not be saved; they are server errors. Immutable.
 */
final class MassUserStatus {
    /** X'0A' (add user). {@code Updated} answers only a put; it stores the user, as {@code Added}. */
    static final UserReplies.ToAdd<MassStatus> ADD_USER = new UserReplies.ToAdd<>(added -> MassStatus.SUCCESS,
            updated -> MassStatus.SUCCESS, MassStatus.SERVER_ERROR, MassStatus.USER_LIMIT,
            invalid -> MassStatus.SERVER_ERROR, failed -> MassStatus.SERVER_ERROR);
    /** X'0B' (delete user). */
    static final UserReplies.ToRemove<MassStatus> DELETE_USER = new UserReplies.ToRemove<>(
            removed -> MassStatus.SUCCESS, MassStatus.SERVER_ERROR, failed -> MassStatus.SERVER_ERROR);

    private MassUserStatus() {
    }
}
