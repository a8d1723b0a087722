package socks5d.management.pctp.wire;

import socks5d.wire.Decoded;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Pure framing, parsing and encoding of PCTP, the Proxy Configuration and Tracking Protocol
 * (docs/protocols/pctp.md). Client lines end with LF or CRLF; replies end with LF.
 * Keywords are matched without regard to case, as in POP3. No I/O; thread-safe.
 */
public final class PctpCodec {
    /** docs/protocols/pctp.md, Lines: a line over 1024 bytes, terminator excluded, gets -ERR. */
    public static final int DEFAULT_MAX_LINE = 1024;
    /**
     * docs/protocols/pctp.md, Lines: an argument takes up to 255 bytes (the RFC 1929 limit of names
     * and passwords).
     */
    public static final int MAX_ARGUMENT = 255;
    /** LOGS without N returns this many entries (docs/protocols/pctp.md, LOGS). */
    public static final int DEFAULT_LOGS = 100;

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final String OK = "+OK";
    private static final String ERR = "-ERR";

    private PctpCodec() {
    }

    /**
     * Frames one line of at most {@code maxLine} bytes before its LF or CRLF. A longer line is
     * {@link PctpLine.TooLong}: {@code terminated} with the bytes after its LF in {@code rest}
     * if its LF has arrived, otherwise unterminated as soon as the limit is passed, with the bytes
     * after the first {@code maxLine + 2} (which hold no LF) in {@code rest}; the caller then
     * drops up to the next LF with {@link #skipLine}, so it never buffers a whole long line.
     * Never {@link Decoded.Invalid}.
     */
    public static Decoded<PctpLine> decodeLine(ByteString in, int maxLine) {
        int window = Math.min(in.size(), maxLine + 2);
        int lf = in.take(window).indexOf(LF);
        if (lf < 0) {
            // maxLine bytes and a CR may still be followed by LF; one byte more cannot.
            return in.size() > maxLine + 1
                    ? new Decoded.Ok<>(new PctpLine.TooLong(false), in.drop(window))
                    : Decoded.needMore();
        }
        int end = lf > 0 && in.apply(lf - 1) == CR ? lf - 1 : lf;
        ByteString rest = in.drop(lf + 1);
        if (end > maxLine) {
            return new Decoded.Ok<>(new PctpLine.TooLong(true), rest);
        }
        return new Decoded.Ok<>(new PctpLine.Text(in.take(end).decodeString(StandardCharsets.UTF_8)), rest);
    }

    /** Drops input up to and including the next LF: the bytes after it, or empty if no LF yet. */
    public static Optional<ByteString> skipLine(ByteString in) {
        int lf = in.indexOf(LF);
        return lf < 0 ? Optional.empty() : Optional.of(in.drop(lf + 1));
    }

    /**
     * Parses one line (docs/protocols/pctp.md, Lines: keyword, then one argument after a single
     * space).
     */
    public static PctpCommand parse(String line) {
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        String arg = space < 0 ? null : line.substring(space + 1);
        String keyword = word.toUpperCase(java.util.Locale.ROOT);
        switch (keyword) {
            case "USER":
                return withArgument(keyword, arg, PctpCommand.User::new);
            case "PASS":
                return withArgument(keyword, arg, PctpCommand.Pass::new);
            case "DEL":
                return withArgument(keyword, arg, PctpCommand.Del::new);
            case "STATS":
                return arg == null ? PctpCommand.Stats.INSTANCE : noArgument(keyword);
            case "LIST":
                return arg == null ? PctpCommand.ListUsers.INSTANCE : noArgument(keyword);
            case "EXIT":
                return arg == null ? PctpCommand.Exit.INSTANCE : noArgument(keyword);
            case "LOGS": {
                if (arg == null) {
                    return new PctpCommand.Logs(OptionalInt.empty());
                }
                OptionalInt n = number(arg);
                return n.isPresent() ? new PctpCommand.Logs(n)
                        : new PctpCommand.Malformed(keyword, "N must be a number from 0 to " + Integer.MAX_VALUE);
            }
            case "CONFIG": {
                String prefix = "IO=";
                if (arg == null || !arg.regionMatches(true, 0, prefix, 0, prefix.length())) {
                    return new PctpCommand.Malformed(keyword, "only IO=<bytes> is supported");
                }
                OptionalInt n = number(arg.substring(prefix.length()));
                return n.isPresent() ? new PctpCommand.ConfigIo(n.getAsInt())
                        : new PctpCommand.Malformed(keyword, "IO must be a number of bytes");
            }
            case "LIMITS":
                return arg == null ? PctpCommand.ListLimits.INSTANCE : noArgument(keyword);
            case "LIMIT":
                return limit(keyword, arg);
            case "ADD": {
                Optional<PctpRole> role = arg == null ? Optional.empty() : PctpRole.fromKeyword(arg);
                return role.<PctpCommand>map(PctpCommand.Add::new)
                        .orElseGet(() -> new PctpCommand.Malformed(keyword, "role must be ADMIN or BASIC"));
            }
            default:
                return new PctpCommand.Unknown(word);
        }
    }

    /** Encodes a reply: status line, and for {@link PctpReply.OkLines} its lines and the closing empty line. */
    public static ByteString encode(PctpReply reply) {
        StringBuilder s = new StringBuilder();
        if (reply instanceof PctpReply.Ok ok) {
            statusLine(s, OK, ok.text());
        } else if (reply instanceof PctpReply.Err err) {
            statusLine(s, ERR, err.text());
        } else if (reply instanceof PctpReply.OkLines multi) {
            statusLine(s, OK, multi.text());
            multi.lines().forEach(l -> s.append(l).append((char) LF));
            s.append((char) LF);
        }
        return new ByteStringBuilder().putBytes(s.toString().getBytes(StandardCharsets.UTF_8)).result();
    }

    private static void statusLine(StringBuilder s, String indicator, String text) {
        s.append(indicator);
        if (!text.isEmpty()) {
            s.append(' ').append(text);
        }
        s.append((char) LF);
    }

    private static PctpCommand withArgument(String keyword, String arg,
                                            java.util.function.Function<String, PctpCommand> make) {
        if (arg == null || arg.isEmpty()) {
            return new PctpCommand.Malformed(keyword, "argument missing");
        }
        if (arg.getBytes(StandardCharsets.UTF_8).length > MAX_ARGUMENT) {
            return new PctpCommand.Malformed(keyword, "argument longer than " + MAX_ARGUMENT + " bytes");
        }
        return make.apply(arg);
    }

    /**
     * docs/protocols/pctp.md, LIMIT (socks5d's extension): {@code LIMIT SESSIONS BANDWIDTH NAME}, each
     * limit a number (0: none) or {@code -} (the default), the name the rest of the line.
     */
    private static PctpCommand limit(String keyword, String arg) {
        String[] f = arg == null ? new String[0] : arg.split(" ", 3);
        if (f.length < 3) {
            return new PctpCommand.Malformed(keyword, "expected SESSIONS BANDWIDTH NAME");
        }
        long sessions = limitValue(f[0], Integer.MAX_VALUE);
        long bandwidth = limitValue(f[1], Long.MAX_VALUE / 2);
        if (sessions < -1 || bandwidth < -1) {
            return new PctpCommand.Malformed(keyword, "a limit is a number or -");
        }
        PctpCommand name = withArgument(keyword, f[2], n -> new PctpCommand.Limit((int) sessions, bandwidth, n));
        return name;
    }

    /** A limit: {@code -} is -1, digits up to {@code max}; anything else -2. */
    private static long limitValue(String s, long max) {
        if (s.equals("-")) {
            return -1;
        }
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -2;
        }
        long v = Long.parseLong(s);
        return v > max ? -2 : v;
    }

    private static PctpCommand noArgument(String keyword) {
        return new PctpCommand.Malformed(keyword, "takes no argument");
    }

    private static OptionalInt number(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        long v = Long.parseLong(s);
        return v > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) v);
    }

    static void requireArgument(String arg) {
        if (arg == null || arg.isEmpty() || arg.getBytes(StandardCharsets.UTF_8).length > MAX_ARGUMENT) {
            throw new IllegalArgumentException("an argument is 1 to " + MAX_ARGUMENT + " bytes");
        }
    }

    static void requireReplyLine(String line, boolean mayBeEmpty) {
        if (line == null || line.indexOf(LF) >= 0 || line.indexOf(CR) >= 0 || (!mayBeEmpty && line.isEmpty())) {
            throw new IllegalArgumentException("a reply line is one line" + (mayBeEmpty ? "" : ", never empty"));
        }
    }
}
