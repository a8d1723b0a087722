package socks5d.proxy.dissect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.util.ByteString;

/**
 * Splits one direction of a text protocol into lines for the password dissectors
 * (docs/protocols/socks5.md, Credential lines): a line ends with LF, an optional CR before it is
 * dropped, and the text is read as UTF-8 (malformed bytes become U+FFFD, never an exception). Holds
 * at most {@code maxLine} bytes of an unfinished line; a longer line marks the buffer
 * {@link #overflowed()} and from then on it drops everything, so a session that is not line-based
 * (or an attacker sending no LF) costs a bounded amount of memory. Pure; confined to the session's
 * stage.
 */
final class LineBuffer {
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final int maxLine;
    private ByteString partial = ByteString.emptyByteString();
    private boolean overflowed;

    /** @param maxLine the longest line accepted, in bytes, terminator excluded (a CR before the LF counts) */
    LineBuffer(int maxLine) {
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be 1 or more");
        }
        this.maxLine = maxLine;
    }

    /**
     * The lines {@code bytes} completes, in order. Lines completed before an oversized one are still
     * returned; the oversized line and everything after it are not.
     */
    List<String> feed(ByteString bytes) {
        if (overflowed || bytes.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(1);
        ByteString rest = partial.concat(bytes);
        int lf;
        while ((lf = rest.indexOf(LF)) >= 0) {
            if (lf > maxLine) {
                return overflow(lines);
            }
            lines.add(text(rest.take(lf)));
            rest = rest.drop(lf + 1);
        }
        if (rest.size() > maxLine) {
            return overflow(lines);
        }
        partial = rest.compact();
        return lines;
    }

    /** Whether a line was longer than the limit; the owner then gives up on the session. */
    boolean overflowed() {
        return overflowed;
    }

    private List<String> overflow(List<String> complete) {
        overflowed = true;
        partial = ByteString.emptyByteString();
        return complete;
    }

    private static String text(ByteString line) {
        ByteString content = !line.isEmpty() && line.apply(line.size() - 1) == CR ? line.dropRight(1) : line;
        return content.decodeString(StandardCharsets.UTF_8);
    }
}
