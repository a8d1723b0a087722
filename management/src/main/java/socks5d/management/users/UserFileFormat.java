package socks5d.management.users;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import socks5d.wire.CredentialField;

/**
 * The text format of the user file {@code users.db} (docs/operations.md, Files and permissions):
 * pure functions from users to bytes and back; {@link UserFile} reads and replaces the file.
 *
 * <p>Format, US-ASCII, every line ending with LF:
 * <pre>
 * socks5d-users 1
 * NAME ROLE ITERATIONS SALT HASH      (one line per user, fields separated by one space)
 * end COUNT
 * </pre>
 * or, when any user has its own limits (docs/operations.md, Limits), {@code socks5d-users 2} with
 * two more fields per line, {@code NAME ROLE ITERATIONS SALT HASH SESSIONS BANDWIDTH}: the user's
 * session limit and bandwidth in bytes a second, each a decimal number (0: no limit) or {@code -}
 * (the global default). A file without limits is still written as version 1, so an older socks5d
 * reads it. NAME is the UTF-8 name in base64url without padding (names may hold any character, spaces,
 * TABs and newlines included), ROLE is {@code ADMIN} or {@code BASIC}, ITERATIONS the PBKDF2
 * iteration count this user's hash was made with, SALT and HASH standard base64 of the
 * PBKDF2-HMAC-SHA256 salt and derived key. The {@code end} line with the user count makes a
 * truncated file detectable. Anything else is a corrupt file, which the directory refuses to start with.
 *
 * <p>A node of a cluster (docs/design.md, Cluster) writes version 3 instead: header
 * {@code socks5d-users 3}, each user line as in version 2 followed by two more fields, TIME and
 * ORIGIN (the change's {@link UserRecord.Stamp}: decimal milliseconds and the base64url origin
 * address, {@code -} for none), and deleted users kept as tombstones
 * {@code NAME - 0 - - - - TIME ORIGIN}, so that a node restarting on its data directory still knows
 * which of its changes are newer than the cluster's. Every version is read; a node running alone
 * keeps writing version 1 or 2.
 */
final class UserFileFormat {
    static final String HEADER = "socks5d-users 1";
    static final String HEADER_V2 = "socks5d-users 2";
    static final String HEADER_V3 = "socks5d-users 3";
    private static final String TOMBSTONE = "-";
    static final String TRAILER = "end ";

    /** The file exists but is not a user file this version can read. */
    static final class CorruptException extends IOException {
        CorruptException(String why) {
            super(why);
        }
    }

    private UserFileFormat() {
    }

    static byte[] encode(Collection<StoredUser> users) {
        Base64.Encoder names = Base64.getUrlEncoder().withoutPadding();
        Base64.Encoder bytes = Base64.getEncoder();
        boolean v2 = users.stream().anyMatch(u -> !u.limits().equals(UserDirectory.Limits.DEFAULT));
        StringBuilder sb = new StringBuilder(v2 ? HEADER_V2 : HEADER).append('\n');
        for (StoredUser u : users) {
            sb.append(names.encodeToString(u.name().getBytes(StandardCharsets.UTF_8))).append(' ')
                    .append(u.role().name()).append(' ')
                    .append(u.iterations()).append(' ')
                    .append(bytes.encodeToString(u.salt())).append(' ')
                    .append(bytes.encodeToString(u.hash()));
            if (v2) {
                sb.append(' ').append(limitField(u.limits().maxSessions()))
                        .append(' ').append(limitField(u.limits().bandwidth()));
            }
            sb.append('\n');
        }
        sb.append(TRAILER).append(users.size()).append('\n');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] encode(Collection<StoredUser> users, Map<String, UserRecord.Stamp> stamps) {
        Base64.Encoder names = Base64.getUrlEncoder().withoutPadding();
        Base64.Encoder bytes = Base64.getEncoder();
        StringBuilder sb = new StringBuilder(HEADER_V3).append('\n');
        Set<String> live = new HashSet<>();
        int lines = 0;
        for (StoredUser u : users) {
            live.add(u.name());
            UserRecord.Stamp st = stamps.getOrDefault(u.name(), UserRecord.Stamp.ZERO);
            sb.append(names.encodeToString(u.name().getBytes(StandardCharsets.UTF_8))).append(' ')
                    .append(u.role().name()).append(' ')
                    .append(u.iterations()).append(' ')
                    .append(bytes.encodeToString(u.salt())).append(' ')
                    .append(bytes.encodeToString(u.hash())).append(' ')
                    .append(limitField(u.limits().maxSessions())).append(' ')
                    .append(limitField(u.limits().bandwidth())).append(' ')
                    .append(st.time()).append(' ')
                    .append(origin(st)).append('\n');
            lines++;
        }
        for (Map.Entry<String, UserRecord.Stamp> e : new TreeMap<>(stamps).entrySet()) {
            if (live.contains(e.getKey())) {
                continue;
            }
            sb.append(names.encodeToString(e.getKey().getBytes(StandardCharsets.UTF_8)))
                    .append(" - 0 - - - - ").append(e.getValue().time()).append(' ').append(origin(e.getValue())).append('\n');
            lines++;
        }
        sb.append(TRAILER).append(lines).append('\n');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String origin(UserRecord.Stamp st) {
        // "-" for the empty origin: base64 of nothing would be an empty field.
        return st.origin().isEmpty() ? TOMBSTONE
                : Base64.getUrlEncoder().withoutPadding().encodeToString(st.origin().getBytes(StandardCharsets.UTF_8));
    }

    static List<StoredUser> decode(byte[] bytes) throws CorruptException {
        return decode(bytes, new HashMap<>());
    }

    /** Reads every version; version 3's stamps (tombstones included) go to {@code stamps}. */
    static List<StoredUser> decode(byte[] bytes, Map<String, UserRecord.Stamp> stamps) throws CorruptException {
        for (byte b : bytes) {
            if (b < 0) {
                throw new CorruptException("not ASCII");
            }
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw new CorruptException("truncated: no final line break");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        int fields;
        boolean stamped = lines[0].equals(HEADER_V3);
        if (lines[0].equals(HEADER)) {
            fields = 5;
        } else if (lines[0].equals(HEADER_V2) || stamped) {
            fields = 7;
        } else {
            throw new CorruptException("unknown header [" + abbreviate(lines[0]) + "]");
        }
        String last = lines[lines.length - 1];
        if (lines.length < 2 || !last.startsWith(TRAILER)) {
            throw new CorruptException("truncated: no end line");
        }
        int count = lines.length - 2;
        if (!last.equals(TRAILER + count)) {
            throw new CorruptException("end line [" + abbreviate(last) + "] does not match " + count + " users");
        }
        List<StoredUser> users = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        for (int i = 1; i <= count; i++) {
            String line = lines[i];
            if (stamped) {
                int cut = line.lastIndexOf(' ');
                int cut2 = cut < 0 ? -1 : line.lastIndexOf(' ', cut - 1);
                if (cut2 < 0) {
                    throw new CorruptException("line " + (i + 1) + ": expected 9 fields");
                }
                UserRecord.Stamp st = decodeStamp(line.substring(cut2 + 1, cut), line.substring(cut + 1), i + 1);
                line = line.substring(0, cut2);
                String[] f = line.split(" ", -1);
                if (f.length == fields && f[1].equals(TOMBSTONE)) {
                    String name = decodeName(f[0], i + 1);
                    if (!seen.add(name)) {
                        throw new CorruptException("line " + (i + 1) + ": duplicate user");
                    }
                    stamps.put(name, st);
                    continue;
                }
                StoredUser u = decodeLine(line, i + 1, fields);
                stamps.put(u.name(), st);
                if (!seen.add(u.name())) {
                    throw new CorruptException("line " + (i + 1) + ": duplicate user");
                }
                users.add(u);
                continue;
            }
            StoredUser u = decodeLine(line, i + 1, fields);
            if (!seen.add(u.name())) {
                throw new CorruptException("line " + (i + 1) + ": duplicate user");
            }
            users.add(u);
        }
        return users;
    }

    private static String limitField(long value) {
        return value < 0 ? "-" : Long.toString(value);
    }

    /** A limit field: {@code -} is the default (-1), otherwise a decimal number of at least 0. */
    private static long parseLimit(String field) {
        if (field.equals("-")) {
            return -1;
        }
        long v = Long.parseLong(field);
        if (v < 0 || field.startsWith("+")) {
            throw new IllegalArgumentException("negative limit");
        }
        return v;
    }

    private static StoredUser decodeLine(String line, int lineNo, int fields) throws CorruptException {
        String[] f = line.split(" ", -1);
        if (f.length != fields) {
            throw new CorruptException("line " + lineNo + ": expected " + fields + " fields, found " + f.length);
        }
        try {
            String name = decodeUtf8(Base64.getUrlDecoder().decode(f[0]));
            UserDirectory.Role role = UserDirectory.Role.valueOf(f[1]);
            int iterations = Integer.parseInt(f[2]);
            byte[] salt = Base64.getDecoder().decode(f[3]);
            byte[] hash = Base64.getDecoder().decode(f[4]);
            if (CredentialField.invalid("name", name) != null || iterations < 1 || salt.length == 0
                    || hash.length != PasswordHasher.HASH_BYTES) {
                throw new CorruptException("line " + lineNo + ": field out of range");
            }
            UserDirectory.Limits limits = fields == 7
                    ? new UserDirectory.Limits((int) Math.min(Integer.MAX_VALUE, parseLimit(f[5])), parseLimit(f[6]))
                    : UserDirectory.Limits.DEFAULT;
            return new StoredUser(name, role, iterations, salt, hash, limits);
        } catch (IllegalArgumentException e) {
            // Base64, enum and number parse errors; the message may hold file content, so it is not echoed.
            throw new CorruptException("line " + lineNo + ": malformed field");
        }
    }

    private static String decodeName(String field, int lineNo) throws CorruptException {
        try {
            String name = decodeUtf8(Base64.getUrlDecoder().decode(field));
            if (CredentialField.invalid("name", name) != null) {
                throw new CorruptException("line " + lineNo + ": field out of range");
            }
            return name;
        } catch (IllegalArgumentException e) {
            throw new CorruptException("line " + lineNo + ": malformed field");
        }
    }

    private static UserRecord.Stamp decodeStamp(String time, String origin, int lineNo) throws CorruptException {
        try {
            long t = Long.parseLong(time);
            String o = origin.equals(TOMBSTONE) ? ""
                    : decodeUtf8(Base64.getUrlDecoder().decode(origin));
            if (t < 0) {
                throw new CorruptException("line " + lineNo + ": field out of range");
            }
            return new UserRecord.Stamp(t, o);
        } catch (IllegalArgumentException e) {
            throw new CorruptException("line " + lineNo + ": malformed field");
        }
    }

    /** Strict UTF-8 decoding: malformed input is an error, never replaced. */
    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
