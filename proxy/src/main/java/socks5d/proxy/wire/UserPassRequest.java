package socks5d.proxy.wire;

import java.nio.charset.StandardCharsets;

/**
 * The username/password request, RFC 1929 §2.
 * <pre>
 * +----+------+----------+------+----------+
 * |VER | ULEN |  UNAME   | PLEN |  PASSWD  |
 * +----+------+----------+------+----------+
 * | 1  |  1   | 1 to 255 |  1   | 1 to 255 |
 * +----+------+----------+------+----------+
 * </pre>
 * Names and passwords are carried as UTF-8 text (the server's user directory stores text).
 */
public record UserPassRequest(String username, String password) implements ClientMessage {
    public UserPassRequest {
        checkLength("UNAME", username);
        checkLength("PASSWD", password);
    }

    private static void checkLength(String field, String value) {
        int len = value.getBytes(StandardCharsets.UTF_8).length;
        if (len < 1 || len > Socks5Codec.OCTET_MAX) {
            throw new IllegalArgumentException(field + " must be 1..255 octets");
        }
    }

    @Override
    public String toString() {
        return "UserPassRequest[username=" + username + ", password=<hidden>]";
    }
}
