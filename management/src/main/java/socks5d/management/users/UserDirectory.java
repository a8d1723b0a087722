package socks5d.management.users;

import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Owns the proxy's users (SPEC §5): names, roles, salted slow password hashes, the maximum user
 * count and their persistence in the data directory. Confined to its actor; hashing and file I/O
 * run on the blocking dispatcher named in {@code reference.conf} and report back by pipeToSelf.
 *
 * <p>Contract for callers (proxy handshake, MCP, MASS, PCTP, socks5ctl):
 * <ul>
 *   <li>An add or remove is acknowledged only after the new user list is durably on disk
 *       (temp file, fsync, rename), so an acknowledged change survives a crash.</li>
 *   <li>Authentication compares in constant time; an unknown user costs the same as a wrong
 *       password. A verified password may be remembered in memory as a keyed digest (never in
 *       clear) so that repeated logins of the same user do not pay the slow hash again.</li>
 * </ul>
 */
public final class UserDirectory {
    /** What a user may do: ADMIN logs in to MASS and PCTP and uses the proxy; BASIC uses the proxy only. */
    public enum Role { ADMIN, BASIC }

    /** A user as others may see it: never the password or its hash. */
    public record UserInfo(String name, Role role) {
    }

    public sealed interface Command {
    }

    /** Adds a new user; fails with {@link AlreadyExists} if the name is taken. */
    public record AddUser(String name, String password, Role role, ActorRef<AddUserReply> replyTo) implements Command {
    }

    /** Adds a user or replaces an existing one's password and role (the {@code -u} flag at start). */
    public record PutUser(String name, String password, Role role, ActorRef<AddUserReply> replyTo) implements Command {
    }

    public sealed interface AddUserReply {
    }

    public record Added(UserInfo user) implements AddUserReply {
    }

    public record Updated(UserInfo user) implements AddUserReply {
    }

    public enum AlreadyExists implements AddUserReply { INSTANCE }

    public enum LimitReached implements AddUserReply { INSTANCE }

    /** The name or password breaks RFC 1929's 1..255 byte rule (UTF-8 bytes). */
    public record Invalid(String why) implements AddUserReply {
    }

    /** The change could not be persisted; the directory is unchanged. */
    public record Failed(String why) implements AddUserReply, RemoveUserReply {
    }

    public record RemoveUser(String name, ActorRef<RemoveUserReply> replyTo) implements Command {
    }

    public sealed interface RemoveUserReply {
    }

    public record Removed(UserInfo user) implements RemoveUserReply {
    }

    public enum NotFound implements RemoveUserReply { INSTANCE }

    /** Lists every user, sorted by name. */
    public record ListUsers(ActorRef<UserList> replyTo) implements Command {
    }

    public record UserList(List<UserInfo> users) {
        public UserList {
            users = List.copyOf(users);
        }
    }

    /** Checks a name and password (RFC 1929 sub-negotiation, MASS and PCTP logins). */
    public record Authenticate(String name, String password, ActorRef<AuthReply> replyTo) implements Command {
    }

    public sealed interface AuthReply {
    }

    public record Authenticated(UserInfo user) implements AuthReply {
    }

    public enum Rejected implements AuthReply { INSTANCE }

    private UserDirectory() {
    }

    public static Behavior<Command> create(UserSettings settings) {
        throw new UnsupportedOperationException("implemented in the management-state work");
    }
}
