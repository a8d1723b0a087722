package socks5d.management;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * How every management protocol cuts its byte stream into frames (MCP's length-prefixed frames,
 * MASS's messages of each phase, PCTP's lines): one stage holds the bytes of the incomplete frame
 * and calls the protocol's pure {@link Splitter} on them; the framing rule itself stays a pure
 * function. The stage keeps no more than one frame of the protocol's declared maximum plus one
 * read. Each flow it makes is confined to its stream; the class is stateless.
 */
public final class FramingFlows {
    private FramingFlows() {
    }

    /**
     * What a {@link Splitter} found at the head of the buffer: the frame (none when bytes are only
     * dropped), the splitter's state after it, and the bytes after it.
     */
    public record Split<S, F>(Optional<F> frame, S next, ByteString rest) {
        public static <S, F> Split<S, F> of(F frame, S next, ByteString rest) {
            return new Split<>(Optional.of(frame), next, rest);
        }

        /** Consumes bytes that make no frame (input the protocol ignores). */
        public static <S, F> Split<S, F> drop(S next, ByteString rest) {
            return new Split<>(Optional.empty(), next, rest);
        }
    }

    /** A protocol's framing rule: pure, called only with a non-empty buffer. */
    @FunctionalInterface
    public interface Splitter<S, F> {
        /** The next frame at the head of {@code buffer} read in {@code state}; empty while it is incomplete. */
        Optional<Split<S, F>> next(S state, ByteString buffer);
    }

    /**
     * Bytes to frames, in order, starting in state {@code initial}; all frames of one read come out
     * together. {@code maxFrame} is the protocol's longest frame: a splitter that still waits with
     * that many bytes buffered breaks its own limit, and the stream fails rather than buffer on.
     */
    public static <S, F> Flow<ByteString, F, NotUsed> split(String name, long maxFrame, S initial,
                                                            Splitter<S, F> splitter) {
        return Flow.of(ByteString.class).<F>statefulMapConcat(() -> {
            Cursor<S> at = new Cursor<>(initial);
            return chunk -> {
                at.buffer = at.buffer.concat(chunk);
                List<F> out = new ArrayList<>();
                Optional<Split<S, F>> split;
                while (!at.buffer.isEmpty() && (split = splitter.next(at.state, at.buffer)).isPresent()) {
                    split.get().frame().ifPresent(out::add);
                    at.state = split.get().next();
                    at.buffer = split.get().rest();
                }
                if (at.buffer.size() >= maxFrame) {
                    throw new IllegalStateException(name + " holds " + at.buffer.size()
                            + " bytes of an incomplete frame; no frame is longer than " + maxFrame);
                }
                return out;
            };
        }).named(name);
    }

    /** One stream's splitter state and unread bytes. */
    private static final class Cursor<S> {
        private S state;
        private ByteString buffer = ByteString.emptyByteString();

        Cursor(S initial) {
            this.state = initial;
        }
    }
}
