package socks5d.proxy.wire;

import java.nio.charset.StandardCharsets;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

import socks5d.wire.Decoded;

/**
 * Pure encoder and decoder of the UDP request header, RFC 1928 §7, which prefixes every datagram
 * between a client and its UDP relay port (see {@link UdpDatagram} for the field diagram). The
 * address fields are laid out as in the §4 request and the §6 reply, so encoding shares
 * {@link Socks5Codec}'s address writer.
 *
 * <p>Decoding differs from {@link Socks5Codec}'s stream decoders in three deliberate ways:
 * <ul>
 * <li>A datagram arrives whole, so more bytes never follow: a datagram too short for its header is
 *     {@link Decoded.Invalid} ("truncated ..."), never {@link Decoded.NeedMore}, and an {@code Ok}
 *     always has an empty {@code rest}, because DATA runs to the end of the datagram. A caller never
 *     buffers one datagram to complete another.</li>
 * <li>RSV must be X'0000' as RFC 1928 §7 gives it; anything else is Invalid. The relay drops such a
 *     datagram silently (UDP has no error reply), so strictness costs a well-behaved client
 *     nothing, and it keeps bytes that are not a SOCKS datagram at all from being forwarded by a
 *     lucky parse. (The §4 request decoder ignores its RSV instead: there a rejection would end the
 *     client's session.)</li>
 * <li>An ATYP RFC 1928 §5 does not define is Invalid rather than an
 *     {@link SocksAddress.Unsupported} address: the relay can only drop the datagram.</li>
 * </ul>
 * A non-zero FRAG decodes to a {@link UdpDatagram} with {@link UdpDatagram#isFragment()} true, so
 * the relay can drop and count fragments separately from garbage (RFC 1928 §7: an implementation
 * that does not support fragmentation MUST drop them). A zero-length DOMAINNAME is Invalid.
 *
 * <p>No I/O; stateless and thread-safe.
 */
public final class UdpCodec {
    /** RFC 1928 §7 RSV: two octets, X'0000'. */
    public static final int RESERVED = 0x0000;
    /** Octets of RSV. */
    public static final int RESERVED_LENGTH = 2;
    /** RSV + FRAG + ATYP: the octets before DST.ADDR. */
    private static final int ADDRESS_AT = RESERVED_LENGTH + 1 + 1;
    private static final int FRAG_AT = RESERVED_LENGTH;
    private static final int ATYP_AT = FRAG_AT + 1;
    /** Octets of DST.PORT. */
    private static final int PORT_LENGTH = 2;
    /** RSV + FRAG + ATYP + an IPv4 DST.ADDR + DST.PORT: the shortest header. */
    public static final int MIN_HEADER = ADDRESS_AT + SocksAddress.IPV4_LENGTH + PORT_LENGTH;
    /** RSV + FRAG + ATYP + LEN + 255 + DST.PORT: the longest header (a domain name). */
    public static final int MAX_HEADER = ADDRESS_AT + 1 + SocksAddress.MAX_DOMAIN_LENGTH + PORT_LENGTH;

    private UdpCodec() {
    }

    /**
     * Decodes one whole datagram as received on a UDP relay port: {@code Ok} with the header's
     * fields, DATA and an empty rest, or {@code Invalid} saying which field is wrong or truncated.
     * Never {@code NeedMore}.
     */
    public static Decoded<UdpDatagram> decode(ByteString datagram) {
        int size = datagram.size();
        if (size < RESERVED_LENGTH) {
            return truncated("RSV", size);
        }
        int rsv = (Socks5Codec.u8(datagram, 0) << Byte.SIZE) | Socks5Codec.u8(datagram, 1);
        if (rsv != RESERVED) {
            return Decoded.invalid("RSV " + rsv + " is not 0");
        }
        if (size <= FRAG_AT) {
            return truncated("FRAG", size);
        }
        int frag = Socks5Codec.u8(datagram, FRAG_AT);
        if (size <= ATYP_AT) {
            return truncated("ATYP", size);
        }
        int atyp = Socks5Codec.u8(datagram, ATYP_AT);
        int portAt;
        switch (atyp) {
            case SocksAddress.ATYP_IPV4 -> portAt = ADDRESS_AT + SocksAddress.IPV4_LENGTH;
            case SocksAddress.ATYP_IPV6 -> portAt = ADDRESS_AT + SocksAddress.IPV6_LENGTH;
            case SocksAddress.ATYP_DOMAINNAME -> {
                if (size <= ADDRESS_AT) {
                    return truncated("DOMAINNAME length", size);
                }
                int len = Socks5Codec.u8(datagram, ADDRESS_AT);
                if (len == 0) {
                    return Decoded.invalid("DOMAINNAME length is 0");
                }
                portAt = ADDRESS_AT + 1 + len;
            }
            default -> {
                return Decoded.invalid("ATYP " + atyp + " unknown");
            }
        }
        if (size < portAt) {
            return truncated("DST.ADDR", size);
        }
        if (size < portAt + PORT_LENGTH) {
            return truncated("DST.PORT", size);
        }
        SocksAddress address = switch (atyp) {
            case SocksAddress.ATYP_IPV4 ->
                    new SocksAddress.Ipv4(SocksAddress.ipv4(datagram.slice(ADDRESS_AT, portAt).toArray()));
            case SocksAddress.ATYP_IPV6 ->
                    new SocksAddress.Ipv6(SocksAddress.ipv6(datagram.slice(ADDRESS_AT, portAt).toArray()));
            default -> new SocksAddress.DomainName(
                    datagram.slice(ADDRESS_AT + 1, portAt).decodeString(StandardCharsets.ISO_8859_1));
        };
        int port = (Socks5Codec.u8(datagram, portAt) << Byte.SIZE) | Socks5Codec.u8(datagram, portAt + 1);
        UdpDatagram d = new UdpDatagram(frag, address, port, datagram.drop(portAt + PORT_LENGTH));
        return new Decoded.Ok<>(d, ByteString.emptyByteString());
    }

    /** The whole datagram: RSV X'0000', FRAG, ATYP, DST.ADDR, DST.PORT, then DATA. */
    public static ByteString encode(UdpDatagram datagram) {
        return header(datagram.fragment(), datagram.address(), datagram.port()).concat(datagram.data());
    }

    /**
     * The header alone with FRAG X'00', for the relay's replies to the client: {@code address} and
     * {@code port} are the sender's. A caller that already holds DATA in its own buffer writes the
     * header in front of it instead of copying both into one {@code ByteString}.
     */
    public static ByteString encodeHeader(SocksAddress address, int port) {
        return header(UdpDatagram.STANDALONE, address, port);
    }

    /** The number of octets of the header that carries {@code address}: {@link #MIN_HEADER} to {@link #MAX_HEADER}. */
    public static int headerLength(SocksAddress address) {
        int addressLength = switch (address.atyp()) {
            case SocksAddress.ATYP_IPV4 -> SocksAddress.IPV4_LENGTH;
            case SocksAddress.ATYP_IPV6 -> SocksAddress.IPV6_LENGTH;
            case SocksAddress.ATYP_DOMAINNAME ->
                    1 + ((SocksAddress.DomainName) address).name().getBytes(StandardCharsets.ISO_8859_1).length;
            default -> throw new IllegalArgumentException("cannot encode ATYP " + address.atyp());
        };
        return ADDRESS_AT + addressLength + PORT_LENGTH;
    }

    private static ByteString header(int fragment, SocksAddress address, int port) {
        ByteStringBuilder b = new ByteStringBuilder();
        b.putByte((byte) (RESERVED >>> Byte.SIZE)).putByte((byte) RESERVED).putByte((byte) fragment);
        Socks5Codec.putAddress(b, address, port);
        return b.result();
    }

    private static <T> Decoded<T> truncated(String field, int size) {
        return Decoded.invalid("truncated in " + field + " after " + size + " octets");
    }
}
