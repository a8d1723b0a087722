package socks5d.management.users;

import java.util.Base64;
import java.util.Objects;

/**
 * One user as nodes of a cluster exchange it (docs/design.md, Cluster): the stored hash (never a
 * password) or a tombstone of a deleted user, with the {@link Stamp} of the change that made it.
 * Immutable; salt and hash are base64 text so that equality is by value.
 *
 * @param name       the user name
 * @param role       the role, or {@code null} for a tombstone
 * @param iterations PBKDF2 iterations (0 for a tombstone)
 * @param salt       base64 salt ("" for a tombstone)
 * @param hash       base64 derived key ("" for a tombstone)
 * @param limits     the user's own limits (docs/operations.md, Limits; the defaults for a tombstone)
 * @param stamp      when and where the change was made
 */
public record UserRecord(String name, UserDirectory.Role role, int iterations, String salt, String hash,
                         UserDirectory.Limits limits, Stamp stamp) {
    public UserRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(stamp, "stamp");
    }

    /** The same record with another stamp. */
    UserRecord withStamp(Stamp other) {
        return new UserRecord(name, role, iterations, salt, hash, limits, other);
    }

    /**
     * When and where a change was made: a hybrid clock time in milliseconds (never behind any stamp
     * the node has seen) and the cluster address of the node that made it. Changes of one user are
     * ordered by time, then by origin as text: the larger stamp wins on every node
     * (last writer wins, a delete is a change like any other).
     */
    public record Stamp(long time, String origin) implements Comparable<Stamp> {
        /** The stamp of users loaded from a file written by a node that ran alone: older than any change. */
        public static final Stamp ZERO = new Stamp(0, "");

        public Stamp {
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public int compareTo(Stamp o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : origin.compareTo(o.origin);
        }

        public boolean newerThan(Stamp o) {
            return o == null || compareTo(o) > 0;
        }
    }

    public boolean deleted() {
        return role == null;
    }

    static UserRecord of(StoredUser u, Stamp stamp) {
        Base64.Encoder b = Base64.getEncoder();
        return new UserRecord(u.name(), u.role(), u.iterations(), b.encodeToString(u.salt()), b.encodeToString(u.hash()),
                u.limits(), stamp);
    }

    static UserRecord tombstone(String name, Stamp stamp) {
        return new UserRecord(name, null, 0, "", "", UserDirectory.Limits.DEFAULT, stamp);
    }

    /** The stored user this record carries; only for a record that is not {@link #deleted()}. */
    StoredUser toStoredUser() {
        Base64.Decoder b = Base64.getDecoder();
        return new StoredUser(name, role, iterations, b.decode(salt), b.decode(hash), limits);
    }

    /** Never prints the salt or hash (docs/operations.md, Logs). */
    @Override
    public String toString() {
        return "UserRecord[" + name + ", " + (deleted() ? "deleted" : role) + ", " + stamp + "]";
    }
}
