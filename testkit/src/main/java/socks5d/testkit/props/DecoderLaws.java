package socks5d.testkit.props;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.pekko.util.ByteString;

import socks5d.testkit.bytes.Hex;
import socks5d.wire.Decoded;

/**
 * The laws every pure decoder ({@link Decoded}) obeys on any input, checked by the
 * codecs' property tests: it never throws; Ok consumes 1 to {@code max} octets and returns exactly
 * the bytes after them as {@code rest}, and those octets alone decode to the same value; NeedMore
 * only while fewer than {@code max} octets are there; and a stream stage that buffers chunks and
 * re-decodes the concatenation gets the same messages, in the same order, and the same final state
 * whatever the chunking. Failures throw {@link AssertionError} naming the input. Pure.
 */
public final class DecoderLaws {
    private DecoderLaws() {
    }

    /** What a stream stage makes of a byte stream: the messages, then Invalid or the bytes still buffered. */
    public record StreamResult(List<Object> messages, String invalid, ByteString buffered) {
    }

    /** A codec's decoding function as the laws take it. */
    public static Function<ByteString, DecodeResult> decoder(Function<ByteString, ? extends Decoded<?>> decode) {
        return in -> DecodeResult.of(decode.apply(in));
    }

    /**
     * {@code frame}, the encoding of {@code value}, decodes to {@code value} with nothing left; followed
     * by {@code next}, to {@code value} with {@code next} as the rest.
     */
    public static void roundTrips(Function<ByteString, DecodeResult> decoder, Object value, ByteString frame,
                                  ByteString next) {
        DecodeResult alone = decoder.apply(frame);
        require(alone.equals(DecodeResult.ok(value, ByteString.emptyByteString())), frame,
                "the encoding of " + value + " decodes to " + alone);
        DecodeResult followed = decoder.apply(frame.concat(next));
        require(followed.equals(DecodeResult.ok(value, next)), frame.concat(next),
                "the encoding of " + value + " followed by " + Hex.show(next) + " decodes to " + followed);
    }

    /** Checks every law on {@code input}, chunked at {@code cuts} for the stream law. */
    public static DecodeResult check(Function<ByteString, DecodeResult> decoder, int max, ByteString input,
                                     List<Integer> cuts) {
        DecodeResult r = decode(decoder, input);
        switch (r.kind()) {
            case OK -> {
                int consumed = input.size() - r.rest().size();
                require(consumed >= 1, input, "Ok consumed " + consumed + " octets");
                require(consumed <= max, input, "Ok consumed " + consumed + " octets, more than MAX " + max);
                require(input.drop(consumed).equals(r.rest()), input,
                        "rest is not the input's suffix after " + consumed + " octets: " + Hex.show(r.rest()));
                DecodeResult alone = decode(decoder, input.take(consumed));
                require(alone.equals(DecodeResult.ok(r.value(), ByteString.emptyByteString())), input,
                        "the consumed octets alone decode to " + alone + ", not " + r.value());
            }
            case NEED_MORE -> require(input.size() < max, input,
                    "NeedMore with " + input.size() + " octets, MAX is " + max);
            case INVALID -> require(r.why() != null, input, "Invalid without a reason");
            default -> throw new AssertionError(r.kind());
        }
        StreamResult whole = stream(decoder, List.of(input));
        StreamResult chunked = stream(decoder, Chunks.split(input, cuts));
        require(whole.equals(chunked), input, "chunked at " + cuts + " gives " + chunked + ", all at once " + whole);
        return r;
    }

    /** Feeds chunks as a stream stage does: append, then decode until NeedMore; stop at Invalid. */
    public static StreamResult stream(Function<ByteString, DecodeResult> decoder, List<ByteString> chunks) {
        ByteString buffer = ByteString.emptyByteString();
        List<Object> messages = new ArrayList<>();
        for (ByteString chunk : chunks) {
            buffer = buffer.concat(chunk);
            while (true) {
                DecodeResult r = decode(decoder, buffer);
                if (r.kind() == DecodeResult.Kind.OK) {
                    require(r.rest().size() < buffer.size(), buffer, "Ok consumed nothing");
                    messages.add(r.value());
                    buffer = r.rest();
                } else if (r.kind() == DecodeResult.Kind.INVALID) {
                    return new StreamResult(messages, r.why(), ByteString.emptyByteString());
                } else {
                    break;
                }
            }
        }
        return new StreamResult(messages, null, buffer);
    }

    private static DecodeResult decode(Function<ByteString, DecodeResult> decoder, ByteString input) {
        try {
            return decoder.apply(input);
        } catch (RuntimeException e) {
            throw new AssertionError("decoding threw on " + Hex.show(input), e);
        }
    }

    private static void require(boolean holds, ByteString input, String what) {
        if (!holds) {
            throw new AssertionError(what + "; input " + Hex.show(input));
        }
    }
}
