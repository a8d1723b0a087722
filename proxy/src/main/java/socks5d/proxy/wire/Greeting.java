package socks5d.proxy.wire;

import java.util.List;

/**
 * The client's version identifier/method selection message, RFC 1928 §3.
 * <pre>
 * +----+----------+----------+
 * |VER | NMETHODS | METHODS  |
 * +----+----------+----------+
 * | 1  |    1     | 1 to 255 |
 * +----+----------+----------+
 * </pre>
 * Methods are kept as raw codes so that unknown ones survive decoding; an empty list (NMETHODS 0)
 * is representable and is answered {@code X'FF'}.
 */
public record Greeting(List<Integer> methods) implements ClientMessage {
    public Greeting {
        methods = List.copyOf(methods);
        if (methods.size() > Socks5Codec.MAX_METHODS) {
            throw new IllegalArgumentException("at most 255 methods");
        }
        for (int m : methods) {
            if (m < 0 || m > Socks5Codec.OCTET_MAX) {
                throw new IllegalArgumentException("method is one octet: " + m);
            }
        }
    }

    public boolean offers(AuthMethod method) {
        return methods.contains(method.code());
    }
}
