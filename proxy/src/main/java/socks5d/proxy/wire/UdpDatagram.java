package socks5d.proxy.wire;

import java.util.Objects;

import org.apache.pekko.util.ByteString;

/**
 * A UDP request header and its payload, RFC 1928 §7: what a client sends to the UDP relay port
 * of its association, and what the relay sends back to the client with the address of the host
 * the payload came from.
 * <pre>
 * +----+------+------+----------+----------+----------+
 * |RSV | FRAG | ATYP | DST.ADDR | DST.PORT |   DATA   |
 * +----+------+------+----------+----------+----------+
 * | 2  |  1   |  1   | Variable |    2     | Variable |
 * +----+------+------+----------+----------+----------+
 * </pre>
 * RSV is always X'0000' and is therefore not a component. FRAG is kept as received so that the
 * relay can tell a fragment ({@link #isFragment()}) from a whole datagram, drop it and count the
 * drop: RFC 1928 §7 says an implementation that does not support fragmentation MUST drop any
 * datagram whose FRAG is not X'00'. The address is IPv4, IPv6 or a domain name; an ATYP RFC 1928
 * does not define cannot be carried, because no reply exists in which to report it. Immutable.
 *
 * @param fragment FRAG, the fragment number: X'00' for a whole datagram, 1..127 for a fragment's
 *                 position, with the high-order bit marking the end of a fragment sequence
 * @param address  DST.ADDR towards the relay; towards the client, the address of the datagram's sender
 * @param port     DST.PORT towards the relay; towards the client, the port of the datagram's sender
 * @param data     DATA, the user payload, possibly empty
 */
public record UdpDatagram(int fragment, SocksAddress address, int port, ByteString data) {
    /** RFC 1928 §7 FRAG of a datagram that is not a fragment. */
    public static final int STANDALONE = 0x00;

    public UdpDatagram {
        if (fragment < 0 || fragment > Socks5Codec.OCTET_MAX) {
            throw new IllegalArgumentException("FRAG is one octet: " + fragment);
        }
        Objects.requireNonNull(address, "address");
        if (address instanceof SocksAddress.Unsupported) {
            throw new IllegalArgumentException("a UDP request header carries a real address type");
        }
        if (port < 0 || port > Socks5Codec.PORT_MAX) {
            throw new IllegalArgumentException("DST.PORT is two octets: " + port);
        }
        Objects.requireNonNull(data, "data");
    }

    /** A whole datagram (FRAG X'00'): what the relay sends to the client, and what it forwards. */
    public static UdpDatagram of(SocksAddress address, int port, ByteString data) {
        return new UdpDatagram(STANDALONE, address, port, data);
    }

    /** True when FRAG is not X'00': the relay, which does not reassemble, drops it (RFC 1928 §7). */
    public boolean isFragment() {
        return fragment != STANDALONE;
    }
}
