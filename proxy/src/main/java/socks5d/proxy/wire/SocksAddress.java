package socks5d.proxy.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import io.netty.util.NetUtil;

/**
 * RFC 1928 §5 addressing: ATYP and the address field it selects. An ATYP this server does not
 * know is kept as {@link Unsupported} so the handshake can answer 0x08. Pure and immutable.
 */
public sealed interface SocksAddress {
    /** RFC 1928 §5 ATYP values. */
    int ATYP_IPV4 = 0x01;
    int ATYP_DOMAINNAME = 0x03;
    int ATYP_IPV6 = 0x04;

    /** Octets of an IPv4 address (X'01'). */
    int IPV4_LENGTH = 4;
    /** Octets of an IPv6 address (X'04'). */
    int IPV6_LENGTH = 16;
    /** A DOMAINNAME's first octet counts its octets: at most 255. */
    int MAX_DOMAIN_LENGTH = 255;

    /** The ATYP octet of this address. */
    int atyp();

    /** The address as the client gave it, for logs and rules: dotted quad, IPv6 text (RFC 5952) or the name. */
    String host();

    /** X'01': a version-4 IP address, 4 octets. */
    record Ipv4(Inet4Address address) implements SocksAddress {
        public int atyp() {
            return ATYP_IPV4;
        }

        public String host() {
            return address.getHostAddress();
        }
    }

    /** X'04': a version-6 IP address, 16 octets. */
    record Ipv6(Inet6Address address) implements SocksAddress {
        public int atyp() {
            return ATYP_IPV6;
        }

        /** RFC 5952 text ({@code ::1}, {@code ::ffff:127.0.0.1}), not Java's {@code 0:0:0:0:0:0:0:1}. */
        public String host() {
            return NetUtil.toAddressString(address, true);
        }
    }

    /** X'03': a fully-qualified domain name, 1..255 octets, no terminating NUL. */
    record DomainName(String name) implements SocksAddress {
        public DomainName {
            int len = name.getBytes(StandardCharsets.ISO_8859_1).length;
            if (name.isEmpty() || len > MAX_DOMAIN_LENGTH) {
                throw new IllegalArgumentException("domain name must be 1..255 octets");
            }
        }

        public int atyp() {
            return ATYP_DOMAINNAME;
        }

        public String host() {
            return name;
        }
    }

    /** An ATYP RFC 1928 does not define; its address cannot be parsed. */
    record Unsupported(int code) implements SocksAddress {
        public int atyp() {
            return code;
        }

        public String host() {
            return "atyp-" + code;
        }
    }

    /** The SOCKS address of a socket address: IPv4 or IPv6 by its family (IPv4-mapped IPv6 is IPv4). */
    static SocksAddress of(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return new Ipv4(v4);
        }
        return new Ipv6((Inet6Address) address);
    }

    /** An IPv4 address from its 4 octets; never blocks (no name lookup). */
    static Inet4Address ipv4(byte[] octets) {
        try {
            return (Inet4Address) InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad IPv4 length " + octets.length, e);
        }
    }

    /**
     * An IPv6 address from its 16 octets; never blocks. An IPv4-mapped address stays an
     * {@link Inet6Address} here so that it is logged as the client wrote it.
     */
    static Inet6Address ipv6(byte[] octets) {
        try {
            return Inet6Address.getByAddress(null, octets, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad IPv6 length " + octets.length, e);
        }
    }
}
