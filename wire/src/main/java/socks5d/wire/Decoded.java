package socks5d.wire;

import org.apache.pekko.util.ByteString;

/**
 * The result of decoding one frame from the front of a byte buffer, shared by every pure codec of
 * socks5d (SOCKS5, MCP, MASS, PCTP): a value and the bytes after it, a request for more input, or
 * a reason the input can never become a valid frame. Incomplete input is an ordinary value, not an
 * exception. Pure.
 */
public sealed interface Decoded<T> {
    /** A whole message, and whatever followed it (the next pipelined message, or payload). */
    record Ok<T>(T value, ByteString rest) implements Decoded<T> {
    }

    /** The input is a valid prefix; call again with more bytes. */
    record NeedMore<T>() implements Decoded<T> {
    }

    /** The input breaks the protocol; {@code why} is for a DEBUG log line. */
    record Invalid<T>(String why) implements Decoded<T> {
    }

    static <T> Decoded<T> needMore() {
        return new NeedMore<>();
    }

    static <T> Decoded<T> invalid(String why) {
        return new Invalid<>(why);
    }
}
