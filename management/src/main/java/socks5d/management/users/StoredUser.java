package socks5d.management.users;

/**
 * A user as the directory keeps it and writes it to disk: the PBKDF2 salt, iteration count and
 * derived key, never the password (docs/operations.md, Files and permissions). Immutable: the
 * arrays are never changed after construction, so instances may cross threads (to the blocking
 * dispatcher) freely.
 */
record StoredUser(String name, UserDirectory.Role role, int iterations, byte[] salt, byte[] hash,
                  UserDirectory.Limits limits) {

    StoredUser(String name, UserDirectory.Role role, int iterations, byte[] salt, byte[] hash) {
        this(name, role, iterations, salt, hash, UserDirectory.Limits.DEFAULT);
    }

    /** The same user (same hash arrays, so the same password record) with other limits. */
    StoredUser withLimits(UserDirectory.Limits newLimits) {
        return new StoredUser(name, role, iterations, salt, hash, newLimits);
    }

    UserDirectory.UserInfo info() {
        return new UserDirectory.UserInfo(name, role);
    }

    /**
     * Never prints the salt or hash: no log line may carry a password hash (docs/operations.md,
     * Logs).
     */
    @Override
    public String toString() {
        return "StoredUser[" + name + ", " + role + "]";
    }
}
