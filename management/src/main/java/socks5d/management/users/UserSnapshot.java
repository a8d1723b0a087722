package socks5d.management.users;

import java.util.Map;

/**
 * The users as the {@link UserDirectory} last made them durable, published for readers that must
 * not ask an actor per login (the SOCKS data plane): name to salted hash and role. Immutable, so it
 * may be read from any thread; the directory publishes a new one after every change is on disk and
 * before it acknowledges the change, so an acknowledged user is in the snapshot any later login reads.
 *
 * <p>{@link #verify} is the slow PBKDF2 check: run it off latency-sensitive threads. {@link #record}
 * returns an opaque token that changes whenever the user is changed, so a cache of verified
 * passwords can tell whether an entry is still valid without holding the hash.
 */
public final class UserSnapshot {
    /** Before the user file is loaded: nobody can log in. */
    public static final UserSnapshot EMPTY = new UserSnapshot(Map.of(), null);

    private final Map<String, StoredUser> users;
    /** Hashed against when the name is unknown, so an unknown name costs the same as a wrong password. */
    private final StoredUser dummy;

    UserSnapshot(Map<String, StoredUser> users, StoredUser dummy) {
        this.users = Map.copyOf(users);
        this.dummy = dummy;
    }

    /**
     * An opaque token of {@code name}'s current password record (changes whenever the user's
     * password or record is replaced, not when only its limits change), or {@code null}.
     */
    public Object record(String name) {
        StoredUser u = users.get(name);
        return u == null ? null : u.hash();
    }

    /** {@code name}'s own limits ({@link UserDirectory.Limits#DEFAULT} when it has none, or is unknown). */
    public UserDirectory.Limits limits(String name) {
        StoredUser u = name == null ? null : users.get(name);
        return u == null ? UserDirectory.Limits.DEFAULT : u.limits();
    }

    /** Every user's own limits, sorted by name. */
    public java.util.SortedMap<String, UserDirectory.Limits> allLimits() {
        java.util.TreeMap<String, UserDirectory.Limits> all = new java.util.TreeMap<>();
        users.forEach((n, u) -> all.put(n, u.limits()));
        return all;
    }

    public int size() {
        return users.size();
    }

    /**
     * The user's info when {@code password} is {@code name}'s, otherwise {@code null}. Slow (a full
     * PBKDF2 computation, also for an unknown name) and compared in constant time. Thread-safe.
     */
    public UserDirectory.UserInfo verify(String name, String password) {
        StoredUser user = name == null ? null : users.get(name);
        StoredUser target = user != null ? user : dummy;
        if (target == null) {
            return null;
        }
        // The hash runs first, with no short-circuit on an unknown name (timing reveals nothing).
        boolean ok = PasswordHasher.verify(target, password == null ? "" : password) & user != null;
        return ok ? user.info() : null;
    }
}
