package socks5d.management.mcp;

import java.util.Optional;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

import socks5d.management.FramingFlows;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.wire.Decoded;

/**
 * MCP's framing (docs/protocols/mcp.md, Frame and Errors and framing): bytes in, whole frames of
 * at most {@link #MAX_FRAME} octets up; frames down, bytes out unchanged. Framing.lengthField
 * would wait for LEN octets behind a bad VER, and MCP answers ERROR and closes at once: so the
 * frames are cut by {@link McpCodec#splitFrame}, and the bytes from a bad VER on go up as one
 * last frame that the codec refuses, after which nothing more is read. Stateless; each flow is
 * confined to its stream.
 */
public final class McpFraming {
    /** The longest frame: VER CMD LEN and LEN's 65535 octets of payload. */
    public static final int MAX_FRAME = McpCodec.MAX_FRAME;

    /** Whether a bad VER has been read: then the rest of the connection's input is dropped. */
    enum State { FRAMES, STOPPED }

    private McpFraming() {
    }

    /** Frames to bytes on top (unchanged), bytes to frames below. */
    public static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> framing() {
        return BidiFlow.fromFlows(Flow.of(ByteString.class), frames());
    }

    /** The reading side alone: bytes to frames. */
    static Flow<ByteString, ByteString, NotUsed> frames() {
        return FramingFlows.split("mcp-framing", MAX_FRAME, State.FRAMES, McpFraming::next);
    }

    /** The framing rule, pure: one frame, or the bytes from a bad VER on, or nothing more. */
    static Optional<FramingFlows.Split<State, ByteString>> next(State state, ByteString buffer) {
        if (state == State.STOPPED) {
            return Optional.of(FramingFlows.Split.drop(State.STOPPED, ByteString.emptyByteString()));
        }
        Decoded<ByteString> frame = McpCodec.splitFrame(buffer);
        if (frame instanceof Decoded.Ok<ByteString> ok) {
            return Optional.of(FramingFlows.Split.of(ok.value(), State.FRAMES, ok.rest()));
        } else if (frame instanceof Decoded.Invalid<ByteString>) {
            return Optional.of(FramingFlows.Split.of(buffer, State.STOPPED, ByteString.emptyByteString()));
        }
        return Optional.empty();
    }
}
