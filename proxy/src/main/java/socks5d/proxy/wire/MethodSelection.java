package socks5d.proxy.wire;

/**
 * The server's METHOD selection message, RFC 1928 §3. {@code X'FF'} means no acceptable methods.
 * <pre>
 * +----+--------+
 * |VER | METHOD |
 * +----+--------+
 * | 1  |   1    |
 * +----+--------+
 * </pre>
 */
public record MethodSelection(AuthMethod method) implements ServerMessage {
    public MethodSelection {
        if (method == AuthMethod.OTHER) {
            throw new IllegalArgumentException("the server selects only a method it implements");
        }
    }
}
