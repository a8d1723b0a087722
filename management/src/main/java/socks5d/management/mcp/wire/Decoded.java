package socks5d.management.mcp.wire;

import org.apache.pekko.util.ByteString;

/**
 * The result of one call of a MCP decoder: a whole message and the bytes after it, a request
 * for more input, or the reason the input can never become a valid message. Incomplete input
 * is a normal result, not an exception. Pure and immutable.
 */
public sealed interface Decoded<T> {
    /** A whole message; {@code rest} holds the bytes that follow it (a pipelined next message). */
    record Ok<T>(T value, ByteString rest) implements Decoded<T> {
    }

    /** The input is a valid prefix; call again with more bytes. */
    record NeedMore<T>() implements Decoded<T> {
    }

    /** The input can never become a valid message. */
    record Invalid<T>(String why) implements Decoded<T> {
    }

    static <T> Decoded<T> needMore() {
        return new NeedMore<>();
    }
}
