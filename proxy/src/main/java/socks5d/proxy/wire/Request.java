package socks5d.proxy.wire;

/**
 * The SOCKS request, RFC 1928 §4.
 * <pre>
 * +----+-----+-------+------+----------+----------+
 * |VER | CMD |  RSV  | ATYP | DST.ADDR | DST.PORT |
 * +----+-----+-------+------+----------+----------+
 * | 1  |  1  | X'00' |  1   | Variable |    2     |
 * +----+-----+-------+------+----------+----------+
 * </pre>
 * The raw CMD code is kept for logs; {@link #command()} names it. With an {@link
 * SocksAddress.Unsupported} address the port is 0: the rest of such a request cannot be parsed.
 */
public record Request(int commandCode, SocksAddress address, int port) implements ClientMessage {
    public Request {
        if (commandCode < 0 || commandCode > Socks5Codec.OCTET_MAX) {
            throw new IllegalArgumentException("CMD is one octet");
        }
        if (port < 0 || port > Socks5Codec.PORT_MAX) {
            throw new IllegalArgumentException("DST.PORT is two octets");
        }
    }

    public Request(CommandCode command, SocksAddress address, int port) {
        this(command.code(), address, port);
    }

    public CommandCode command() {
        return CommandCode.fromCode(commandCode);
    }
}
