package socks5d.testkit.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One datagram received from a UDP relay, with its RFC 1928 §7 header taken apart: FRAG, the address
 * and port of the host that sent the payload, and DATA. Parsed here independently of the proxy's codec,
 * so that a bug shared by the proxy's encoder and decoder still shows, and strictly, since it checks the
 * relay's output: RSV must be X'0000' and ATYP one of
 * RFC 1928 §5's. {@link Socks5Frames#udpDatagram} builds the client's side.
 *
 * <p>A value: {@code data} is copied out of the receive buffer, and equality compares its bytes. The
 * array {@link #data()} returns is the record's own, so callers read it and do not modify it.
 * Threading: immutable in that sense, safe to hand between threads.
 *
 * @param fragment    FRAG (0 for a whole datagram)
 * @param addressType ATYP of the sender's address: 1, 3 or 4
 * @param address     the sender's IPv4 or IPv6 address, or null when ATYP is 3
 * @param host        the sender's address as text: the literal, or the domain name
 * @param port        the sender's port
 * @param data        DATA, possibly empty
 * @param source      where the datagram came from on the wire: the relay's socket
 */
public record Socks5Datagram(int fragment, int addressType, InetAddress address, String host, int port,
                             byte[] data, InetSocketAddress source) {
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;
    private static final int PORT_LENGTH = 2;

    /**
     * Takes apart {@code length} octets of {@code packet} from {@code offset}, as received from
     * {@code source}.
     *
     * @throws ProtocolException if RSV is not zero, ATYP is unknown, a domain name is empty, or the
     *                           datagram ends inside its header
     */
    public static Socks5Datagram parse(byte[] packet, int offset, int length, InetSocketAddress source)
            throws ProtocolException {
        int end = offset + length;
        int at = offset;
        need(at + Socks5Frames.UDP_PREFIX + 1, end, "RSV FRAG ATYP", packet, offset);
        int rsv = (Byte.toUnsignedInt(packet[at]) << Byte.SIZE) | Byte.toUnsignedInt(packet[at + 1]);
        if (rsv != 0) {
            throw new ProtocolException("RSV " + rsv + " is not 0: " + show(packet, offset, length));
        }
        int frag = Byte.toUnsignedInt(packet[at + 2]);
        int atyp = Byte.toUnsignedInt(packet[at + Socks5Frames.UDP_PREFIX]);
        at += Socks5Frames.UDP_PREFIX + 1;
        InetAddress address = null;
        String host;
        switch (atyp) {
            case Socks5Frames.ATYP_IPV4, Socks5Frames.ATYP_IPV6 -> {
                int len = atyp == Socks5Frames.ATYP_IPV4 ? IPV4_LENGTH : IPV6_LENGTH;
                need(at + len, end, "DST.ADDR", packet, offset);
                try {
                    address = InetAddress.getByAddress(Arrays.copyOfRange(packet, at, at + len));
                } catch (UnknownHostException e) {
                    throw new ProtocolException("DST.ADDR: " + e.getMessage());
                }
                host = address.getHostAddress();
                at += len;
            }
            case Socks5Frames.ATYP_DOMAIN -> {
                need(at + 1, end, "DST.ADDR length", packet, offset);
                int len = Byte.toUnsignedInt(packet[at]);
                if (len == 0) {
                    throw new ProtocolException("DST.ADDR domain name is empty: " + show(packet, offset, length));
                }
                need(at + 1 + len, end, "DST.ADDR", packet, offset);
                host = new String(packet, at + 1, len, StandardCharsets.US_ASCII);
                at += 1 + len;
            }
            default -> throw new ProtocolException("ATYP " + atyp + ": " + show(packet, offset, length));
        }
        need(at + PORT_LENGTH, end, "DST.PORT", packet, offset);
        int port = (Byte.toUnsignedInt(packet[at]) << Byte.SIZE) | Byte.toUnsignedInt(packet[at + 1]);
        at += PORT_LENGTH;
        return new Socks5Datagram(frag, atyp, address, host, port, Arrays.copyOfRange(packet, at, end), source);
    }

    /** The sender as a socket address: resolved for ATYP 1 and 4, unresolved (the name) for ATYP 3. */
    public InetSocketAddress sender() {
        return address != null ? new InetSocketAddress(address, port) : InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Socks5Datagram d && fragment == d.fragment && addressType == d.addressType
                && Objects.equals(address, d.address) && host.equals(d.host) && port == d.port
                && Arrays.equals(data, d.data) && Objects.equals(source, d.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fragment, addressType, address, host, port, Arrays.hashCode(data), source);
    }

    @Override
    public String toString() {
        return "Socks5Datagram[frag=" + fragment + ", from=" + host + ":" + port + ", " + data.length
                + " octets, via=" + source + "]";
    }

    private static void need(int upTo, int end, String field, byte[] packet, int offset) throws ProtocolException {
        if (upTo > end) {
            throw new ProtocolException("datagram ends inside " + field + ": " + show(packet, offset, end - offset));
        }
    }

    private static String show(byte[] b, int offset, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(b, offset, offset + length);
    }
}
