package socks5d.management.users;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user file {@code users.db} in the data directory (docs/operations.md, Files and permissions):
 * where it is, how it is read, and how it is replaced so that a crash never leaves a torn list. Its
 * text is {@link UserFileFormat}'s. Static functions doing blocking I/O: call them on the blocking
 * dispatcher.
 *
 * <p>Writes go to {@code users.db.*.tmp} in the same directory, created with mode 0600, forced to
 * disk, renamed over {@code users.db} atomically, and then the directory is forced, so a crash
 * leaves the old or the new list, never a torn one. Temporary files left by a crash are deleted at load.
 */
final class UserFile {
    static final String FILE_NAME = "users.db";
    private static final String TEMP_PREFIX = FILE_NAME + ".";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** What a load found: the users and how many stale temporary files it deleted. */
    record Contents(List<StoredUser> users, Map<String, UserRecord.Stamp> stamps, int staleTempFiles) {
        Contents(List<StoredUser> users, int staleTempFiles) {
            this(users, Map.of(), staleTempFiles);
        }
    }

    private UserFile() {
    }

    /** Reads {@code dir/users.db}; a missing file is an empty list. */
    static Contents load(Path dir) throws IOException {
        int stale = deleteStaleTempFiles(dir);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(FILE_NAME));
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), stale);
        }
        Map<String, UserRecord.Stamp> stamps = new HashMap<>();
        return new Contents(UserFileFormat.decode(bytes, stamps), stamps, stale);
    }

    /** Atomically replaces {@code dir/users.db} with {@code users}; returns only once it is durable. */
    static void write(Path dir, Collection<StoredUser> users) throws IOException {
        write(dir, users, null);
    }

    /**
     * As {@link #write(Path, Collection)}; with {@code stamps} (a cluster node's: every user's and
     * every tombstone's stamp, a tombstone being a name not in {@code users}) in version 3.
     */
    static void write(Path dir, Collection<StoredUser> users, Map<String, UserRecord.Stamp> stamps) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } else {
                Files.createDirectories(dir);
            }
        }
        // The mode is set at creation, so the file is never readable by others, not even briefly.
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX, attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(stamps == null ? UserFileFormat.encode(users) : UserFileFormat.encode(users, stamps));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory(dir);
    }

    private static int deleteStaleTempFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
                n++;
            }
        }
        return n;
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename itself durable. Linux allows fsync on a directory; some platforms
        // (Windows) refuse to open one, and there the rename is as durable as the OS makes it.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this platform; see above
        }
    }
}
