package socks5d.management.pctp;

import java.util.Optional;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

import socks5d.management.FramingFlows;
import socks5d.management.pctp.wire.PctpCodec;
import socks5d.management.pctp.wire.PctpLine;
import socks5d.wire.Decoded;

/**
 * PCTP's framing (docs/protocols/pctp.md, Lines): bytes in, one {@link PctpLine} up per line of
 * at most {@code maxLine} octets before its LF or CRLF (pctp.max-line, by default
 * {@link PctpCodec#DEFAULT_MAX_LINE}); bytes out unchanged. Framing.delimiter
 * would fail the stream on a long line, and PCTP answers it -ERR and goes on: so the lines are cut
 * by {@link PctpCodec#decodeLine}, an over-long line goes up once as {@link PctpLine.TooLong}, and
 * its octets are dropped up to its LF without being buffered. Stateless; each flow is confined to
 * its stream.
 */
public final class PctpFraming {
    /** Octets a line takes beyond its text: CR LF. */
    public static final int MAX_TERMINATOR = 2;

    /** Whether the rest of an over-long line is being dropped. */
    enum State { LINES, SKIPPING }

    private PctpFraming() {
    }

    /** Bytes out unchanged on top, bytes to lines below. */
    public static BidiFlow<ByteString, ByteString, ByteString, PctpLine, NotUsed> framing(int maxLine) {
        return BidiFlow.fromFlows(Flow.of(ByteString.class), lines(maxLine));
    }

    /** The reading side alone: bytes to lines of at most {@code maxLine} octets. */
    static Flow<ByteString, PctpLine, NotUsed> lines(int maxLine) {
        return FramingFlows.split("pctp-framing", (long) maxLine + MAX_TERMINATOR, State.LINES,
                (state, buffer) -> next(state, buffer, maxLine));
    }

    /** The framing rule, pure: the next line, or the dropped rest of an over-long one. */
    static Optional<FramingFlows.Split<State, PctpLine>> next(State state, ByteString buffer, int maxLine) {
        if (state == State.SKIPPING) {
            return Optional.of(PctpCodec.skipLine(buffer)
                    .map(rest -> FramingFlows.Split.<State, PctpLine>drop(State.LINES, rest))
                    .orElseGet(() -> FramingFlows.Split.drop(State.SKIPPING, ByteString.emptyByteString())));
        }
        Decoded<PctpLine> line = PctpCodec.decodeLine(buffer, maxLine);
        if (line instanceof Decoded.Ok<PctpLine> ok) {
            boolean skipping = ok.value() instanceof PctpLine.TooLong tooLong && !tooLong.terminated();
            return Optional.of(FramingFlows.Split.of(ok.value(), skipping ? State.SKIPPING : State.LINES, ok.rest()));
        }
        return Optional.empty();
    }
}
