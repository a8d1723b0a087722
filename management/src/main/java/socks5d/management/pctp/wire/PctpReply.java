package socks5d.management.pctp.wire;

import java.util.List;

/**
 * A PCTP reply (docs/protocols/pctp.md, Replies): a status indicator and text on one LF-terminated
 * line, and for multi-line replies data lines closed by an empty line ("LFLF"). Immutable.
 *
 * <pre>
 *   +OK text LF                     -ERR text LF
 *   +OK text LF  line LF ... LF     (multi-line)
 * </pre>
 */
public sealed interface PctpReply {
    record Ok(String text) implements PctpReply {
        public Ok {
            PctpCodec.requireReplyLine(text, true);
        }
    }

    record Err(String text) implements PctpReply {
        public Err {
            PctpCodec.requireReplyLine(text, true);
        }
    }

    /** {@code +OK text}, then each line, then an empty line. A data line is never empty: that would end the reply. */
    record OkLines(String text, List<String> lines) implements PctpReply {
        public OkLines {
            PctpCodec.requireReplyLine(text, true);
            lines = List.copyOf(lines);
            lines.forEach(l -> PctpCodec.requireReplyLine(l, false));
        }
    }
}
