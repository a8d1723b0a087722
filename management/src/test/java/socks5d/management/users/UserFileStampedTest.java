package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * users.db version 3 (a cluster node's): stamps, tombstones and per-user limits survive a write and a
 * load; version 1 still loads.
 */
class UserFileStampedTest {
    @TempDir
    Path dir;

    @Test
    void stampsAndTombstonesRoundTrip() throws Exception {
        StoredUser ann = PasswordHasher.hash("ann", "pw", UserDirectory.Role.ADMIN, 1000);
        StoredUser bob = PasswordHasher.hash("b o\tb", "pw", UserDirectory.Role.BASIC, 1000)
                .withLimits(new UserDirectory.Limits(4, 250_000));
        Map<String, UserRecord.Stamp> stamps = Map.of(
                "ann", new UserRecord.Stamp(100, "pekko://socks5d@127.0.0.1:2551"),
                "b o\tb", UserRecord.Stamp.ZERO,
                "gone", new UserRecord.Stamp(200, "pekko://socks5d@127.0.0.1:2552"));
        UserFile.write(dir, List.of(ann, bob), stamps);
        String text = Files.readString(dir.resolve(UserFile.FILE_NAME), StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("socks5d-users 3\n") && text.endsWith("end 3\n"), text);
        assertTrue(text.contains(" - 0 - - - - 200 "), text);

        UserFile.Contents c = UserFile.load(dir);
        assertEquals(List.of("ann", "b o\tb"), c.users().stream().map(StoredUser::name).toList());
        assertArrayEquals(ann.hash(), c.users().get(0).hash());
        assertEquals(UserDirectory.Limits.DEFAULT, c.users().get(0).limits());
        assertEquals(new UserDirectory.Limits(4, 250_000), c.users().get(1).limits());
        assertEquals(stamps, c.stamps());
    }

    @Test
    void versionOneStillLoadsWithoutStamps() throws Exception {
        UserFile.write(dir, List.of(PasswordHasher.hash("ann", "pw", UserDirectory.Role.ADMIN, 1000)));
        UserFile.Contents c = UserFile.load(dir);
        assertEquals(1, c.users().size());
        assertEquals(Map.of(), c.stamps());
    }

    @Test
    void aTruncatedStampIsCorrupt() {
        byte[] bad = "socks5d-users 3\nYW5u - 0 - - - -\nend 1\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(UserFileFormat.CorruptException.class, () -> UserFileFormat.decode(bad, new java.util.HashMap<>()));
    }
}
