package socks5d.management.users;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slow salted password hashes (PBKDF2-HMAC-SHA256 from the JDK) and the keyed digest the
 * {@link UserDirectory} remembers for verified passwords (docs/operations.md, Files and
 * permissions). The static methods are pure and thread-safe and meant for the blocking dispatcher;
 * a {@link Mac} from {@link #newDigestMac()} is not thread-safe and stays confined to the actor
 * that created it.
 */
final class PasswordHasher {
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final String KDF = "PBKDF2WithHmacSHA256";
    private static final String DIGEST = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {
    }

    /** Hashes {@code password} with a fresh random salt. Slow: call it on the blocking dispatcher. */
    static StoredUser hash(String name, String password, UserDirectory.Role role, int iterations) {
        byte[] salt = randomBytes(SALT_BYTES);
        return new StoredUser(name, role, iterations, salt, pbkdf2(password, salt, iterations));
    }

    /**
     * Whether {@code password} is {@code user}'s, compared in constant time. Slow: call it on the
     * blocking dispatcher. Never throws: a password the KDF cannot take simply does not match.
     */
    static boolean verify(StoredUser user, String password) {
        try {
            return MessageDigest.isEqual(pbkdf2(password, user.salt(), user.iterations()), user.hash());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A user nobody can log in as, hashed against when the name is unknown so that it costs the same. */
    static StoredUser dummy(int iterations) {
        return new StoredUser("", UserDirectory.Role.BASIC, iterations, randomBytes(SALT_BYTES), randomBytes(HASH_BYTES));
    }

    /** An HMAC-SHA256 keyed with a random per-process key: the digest of a verified password kept in memory. */
    static Mac newDigestMac() {
        try {
            Mac mac = Mac.getInstance(DIGEST);
            mac.init(new SecretKeySpec(randomBytes(HASH_BYTES), DIGEST));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + DIGEST, e);
        }
    }

    static byte[] digest(Mac mac, String password) {
        return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * Byte.SIZE);
        try {
            return SecretKeyFactory.getInstance(KDF).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK cannot compute " + KDF, e);
        } finally {
            spec.clearPassword();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
