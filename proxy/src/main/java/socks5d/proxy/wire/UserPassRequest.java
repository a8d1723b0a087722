package socks5d.proxy.wire;

import socks5d.wire.CredentialField;

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
        CredentialField.require(field, value);
    }

    @Override
    public String toString() {
        return "UserPassRequest[username=" + username + ", password=<hidden>]";
    }
}
