package socks5d.management.users;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;

/**
 * The user directory's memory of logins: the passwords verified since their user last changed, kept
 * as HMAC-SHA256 digests under a random per-process key (never in clear), so that the next login of
 * that user with that password needs no slow hash; and the slow checks in flight, each shared by every
 * identical login (same name, same password) that arrives while it runs. Failures are never
 * remembered. The slow check itself ({@link PasswordHasher#verify}) runs elsewhere; this class only
 * keeps the books. Confined to the directory's actor (the {@link Mac} is not thread-safe).
 *
 * @param <W> who waits for a check's answer
 */
final class LoginChecks<W> {
    /** One slow check in flight: the login it verifies and who waits for its answer. */
    static final class Check<W> {
        final String key;
        final String name;
        final String password;
        private final byte[] digest;
        private final List<W> waiters = new ArrayList<>();

        private Check(String key, String name, String password, byte[] digest) {
            this.key = key;
            this.name = name;
            this.password = password;
            this.digest = digest;
        }

        /** Never prints the password (docs/operations.md, Logs). */
        @Override
        public String toString() {
            return "Check[" + name + ", " + waiters.size() + " waiting]";
        }
    }

    private final Mac mac = PasswordHasher.newDigestMac();
    /** Keyed digests of passwords verified since the user last changed, by name. */
    private final Map<String, byte[]> verified = new HashMap<>();
    private final Map<String, Check<W>> running = new HashMap<>();

    /** The keyed digest of {@code password}, the same for the same password while the process runs. */
    byte[] digest(String password) {
        return PasswordHasher.digest(mac, password);
    }

    /** Whether {@code digest}'s password was verified for {@code name} since it last changed; compared in constant time. */
    boolean remembered(String name, byte[] digest) {
        byte[] known = verified.get(name);
        return known != null && MessageDigest.isEqual(known, digest);
    }

    /**
     * Adds {@code waiter} to the check of this login. Returns the check if it is new (the caller then
     * starts it), or {@code null} if an identical one runs already.
     */
    Check<W> await(String name, String password, byte[] digest, W waiter) {
        // The digest is fixed-length, so name + NUL + digest identifies the pair without ambiguity.
        String key = name + '\u0000' + Base64.getEncoder().encodeToString(digest);
        Check<W> check = running.get(key);
        boolean started = check == null;
        if (started) {
            check = new Check<>(key, name, password, digest);
            running.put(key, check);
        }
        check.waiters.add(waiter);
        return started ? check : null;
    }

    /** The check of {@code key} in flight, or {@code null}. */
    Check<W> running(String key) {
        return running.get(key);
    }

    /** Ends {@code check}: remembers the password if it was right, and returns who waits for the answer. */
    List<W> finish(Check<W> check, boolean ok) {
        running.remove(check.key);
        if (ok) {
            verified.put(check.name, check.digest);
        }
        return check.waiters;
    }

    /** Forgets the password verified for {@code name}: the user changed. */
    void forget(String name) {
        verified.remove(name);
    }
}
