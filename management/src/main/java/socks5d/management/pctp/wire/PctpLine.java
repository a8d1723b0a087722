package socks5d.management.pctp.wire;

import java.util.Objects;

/** One client line as framed by {@link PctpCodec#decodeLine}: its text, or the fact that it was too long. */
public sealed interface PctpLine {
    /** A line within the limit, its LF or CRLF removed. */
    record Text(String text) implements PctpLine {
        public Text {
            Objects.requireNonNull(text, "text");
            if (text.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a line holds no LF");
            }
        }
    }

    /**
     * A line longer than the limit (-ERR: docs/protocols/pctp.md, Lines). {@code terminated} tells
     * whether its LF was seen; if not, the reader must drop input up to the next LF
     * ({@link PctpCodec#skipLine}).
     */
    record TooLong(boolean terminated) implements PctpLine {
    }
}
