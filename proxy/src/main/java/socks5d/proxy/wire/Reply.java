package socks5d.proxy.wire;

/**
 * The server's reply, RFC 1928 §6. BND.ADDR and BND.PORT carry the outbound socket's local
 * address on success; on failure they are zero (IPv4 0.0.0.0, port 0).
 * <pre>
 * +----+-----+-------+------+----------+----------+
 * |VER | REP |  RSV  | ATYP | BND.ADDR | BND.PORT |
 * +----+-----+-------+------+----------+----------+
 * | 1  |  1  | X'00' |  1   | Variable |    2     |
 * +----+-----+-------+------+----------+----------+
 * </pre>
 */
public record Reply(ReplyCode code, SocksAddress boundAddress, int boundPort) implements ServerMessage {
    private static final SocksAddress UNSPECIFIED =
            new SocksAddress.Ipv4(SocksAddress.ipv4(new byte[SocksAddress.IPV4_LENGTH]));

    public Reply {
        if (boundAddress instanceof SocksAddress.Unsupported) {
            throw new IllegalArgumentException("a reply carries a real address type");
        }
        if (boundPort < 0 || boundPort > Socks5Codec.PORT_MAX) {
            throw new IllegalArgumentException("BND.PORT is two octets");
        }
    }

    /** A failure reply: code with BND.ADDR 0.0.0.0 and BND.PORT 0. */
    public static Reply failure(ReplyCode code) {
        return new Reply(code, UNSPECIFIED, 0);
    }
}
