package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * users.db's exact bytes in each version (docs/operations.md, Files and permissions): the same
 * content is always written the same way, so a file written by one version of socks5d reads the
 * same in the next.
 */
class UserFileFormatTest {
    private static final byte[] SALT = filled(PasswordHasher.SALT_BYTES, 1);
    private static final byte[] HASH = filled(PasswordHasher.HASH_BYTES, 2);
    private static final String SALT_B64 = "AQEBAQEBAQEBAQEBAQEBAQ==";
    private static final String HASH_B64 = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";
    private static final StoredUser ANN = new StoredUser("ann", UserDirectory.Role.ADMIN, 1000, SALT, HASH);
    private static final StoredUser BOB = new StoredUser("b o\tb", UserDirectory.Role.BASIC, 7, SALT, HASH,
            new UserDirectory.Limits(4, 250_000));

    @Test
    void writesVersionOneWhenNoUserHasLimits() throws Exception {
        String expected = "socks5d-users 1\n"
                + "YW5u ADMIN 1000 " + SALT_B64 + " " + HASH_B64 + "\n"
                + "end 1\n";
        assertBytes(expected, UserFileFormat.encode(List.of(ANN)));
        assertEquals(List.of("ann"), names(UserFileFormat.decode(expected.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void writesVersionTwoWhenAUserHasLimits() throws Exception {
        String expected = "socks5d-users 2\n"
                + "YW5u ADMIN 1000 " + SALT_B64 + " " + HASH_B64 + " - -\n"
                + "YiBvCWI BASIC 7 " + SALT_B64 + " " + HASH_B64 + " 4 250000\n"
                + "end 2\n";
        assertBytes(expected, UserFileFormat.encode(List.of(ANN, BOB)));
        List<StoredUser> back = UserFileFormat.decode(expected.getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("ann", "b o\tb"), names(back));
        assertEquals(BOB.limits(), back.get(1).limits());
    }

    @Test
    void writesVersionThreeWithStampsAndTombstonesForACluster() throws Exception {
        Map<String, UserRecord.Stamp> stamps = Map.of(
                "ann", new UserRecord.Stamp(100, "pekko://socks5d@127.0.0.1:2551"),
                "gone", new UserRecord.Stamp(200, ""));
        String expected = "socks5d-users 3\n"
                + "YW5u ADMIN 1000 " + SALT_B64 + " " + HASH_B64 + " - - 100 cGVra286Ly9zb2NrczVkQDEyNy4wLjAuMToyNTUx\n"
                + "YiBvCWI BASIC 7 " + SALT_B64 + " " + HASH_B64 + " 4 250000 0 -\n"
                + "Z29uZQ - 0 - - - - 200 -\n"
                + "end 3\n";
        assertBytes(expected, UserFileFormat.encode(List.of(ANN, BOB), stamps));
        Map<String, UserRecord.Stamp> read = new java.util.HashMap<>();
        assertEquals(List.of("ann", "b o\tb"), names(UserFileFormat.decode(expected.getBytes(StandardCharsets.US_ASCII), read)));
        assertEquals(Map.of("ann", stamps.get("ann"), "b o\tb", UserRecord.Stamp.ZERO, "gone", stamps.get("gone")), read);
    }

    private static void assertBytes(String expected, byte[] actual) {
        assertEquals(expected, new String(actual, StandardCharsets.US_ASCII));
        assertArrayEquals(expected.getBytes(StandardCharsets.US_ASCII), actual);
    }

    private static List<String> names(List<StoredUser> users) {
        return users.stream().map(StoredUser::name).toList();
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
