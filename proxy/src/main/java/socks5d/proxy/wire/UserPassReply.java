package socks5d.proxy.wire;

/**
 * The server's username/password response, RFC 1929 §2. STATUS X'00' is success; any other value
 * is failure and the server closes the connection.
 * <pre>
 * +----+--------+
 * |VER | STATUS |
 * +----+--------+
 * | 1  |   1    |
 * +----+--------+
 * </pre>
 */
public record UserPassReply(boolean success) implements ServerMessage {
    public static final UserPassReply SUCCESS = new UserPassReply(true);
    public static final UserPassReply FAILURE = new UserPassReply(false);
}
