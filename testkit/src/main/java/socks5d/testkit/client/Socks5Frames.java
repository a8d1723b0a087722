package socks5d.testkit.client;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Builds the client's SOCKS5 frames as bytes, written here independently of the proxy's codecs (a bug
 * they share still shows):
 * method greeting (RFC 1928 §3), username/password request (RFC 1929 §2), command request
 * (RFC 1928 §4: CONNECT, BIND, UDP ASSOCIATE) and the UDP request header a client puts in front of
 * every datagram (RFC 1928 §7; {@link Socks5Datagram} reads the relay's). Tests can pipeline the TCP
 * frames with {@link #concat} or send them byte by byte. The builders
 * only check what the wire format cannot carry (a length above 255), so tests may build odd frames on
 * purpose (zero-length names, unknown methods or commands).
 *
 * <p>Pure and thread-safe.
 */
public final class Socks5Frames {
    /** VER of every RFC 1928 message. */
    public static final int VERSION = 5;
    /** VER of the RFC 1929 sub-negotiation. */
    public static final int USERPASS_VERSION = 1;

    /** METHOD: NO AUTHENTICATION REQUIRED. */
    public static final int METHOD_NO_AUTH = 0x00;
    /** METHOD: GSSAPI (offered by some clients, never chosen by socks5d). */
    public static final int METHOD_GSSAPI = 0x01;
    /** METHOD: USERNAME/PASSWORD (RFC 1929). */
    public static final int METHOD_USERPASS = 0x02;
    /** METHOD: NO ACCEPTABLE METHODS. */
    public static final int METHOD_NONE_ACCEPTABLE = 0xFF;

    /** CMD: CONNECT. */
    public static final int CMD_CONNECT = 0x01;
    /** CMD: BIND. */
    public static final int CMD_BIND = 0x02;
    /** CMD: UDP ASSOCIATE. */
    public static final int CMD_UDP_ASSOCIATE = 0x03;

    /** ATYP: IP V4 address. */
    public static final int ATYP_IPV4 = 0x01;
    /** ATYP: DOMAINNAME. */
    public static final int ATYP_DOMAIN = 0x03;
    /** ATYP: IP V6 address. */
    public static final int ATYP_IPV6 = 0x04;

    /** REP: succeeded. */
    public static final int REP_SUCCEEDED = 0x00;
    /** REP: general SOCKS server failure. */
    public static final int REP_GENERAL_FAILURE = 0x01;
    /** REP: connection not allowed by ruleset. */
    public static final int REP_NOT_ALLOWED = 0x02;
    /** REP: Network unreachable. */
    public static final int REP_NETWORK_UNREACHABLE = 0x03;
    /** REP: Host unreachable. */
    public static final int REP_HOST_UNREACHABLE = 0x04;
    /** REP: Connection refused. */
    public static final int REP_CONNECTION_REFUSED = 0x05;
    /** REP: TTL expired. */
    public static final int REP_TTL_EXPIRED = 0x06;
    /** REP: Command not supported. */
    public static final int REP_COMMAND_NOT_SUPPORTED = 0x07;
    /** REP: Address type not supported. */
    public static final int REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    /** RFC 1929 STATUS: success; any other value is a failure. */
    public static final int AUTH_SUCCESS = 0x00;

    /** RFC 1928 §7 FRAG of a whole datagram (not a fragment). */
    public static final int FRAG_STANDALONE = 0x00;
    /** RFC 1928 §7: RSV, two octets, and FRAG, one octet, before ATYP. */
    static final int UDP_PREFIX = 3;

    /** Largest value of a one-byte length field. */
    private static final int MAX_FIELD = 255;
    private static final int MAX_PORT = 65_535;
    private static final int BYTE_MASK = 0xFF;
    private static final int BITS_PER_BYTE = 8;

    private Socks5Frames() {
    }

    /** RFC 1928 §3: {@code VER NMETHODS METHODS...}, e.g. {@code greeting(0, 2)} is {@code 05 02 00 02}. */
    public static byte[] greeting(int... methods) {
        checkField("NMETHODS", methods.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION);
        out.write(methods.length);
        for (int m : methods) {
            out.write(m);
        }
        return out.toByteArray();
    }

    /** RFC 1929 §2: {@code VER ULEN UNAME PLEN PASSWD}, names in UTF-8. */
    public static byte[] userPass(String user, String password) {
        return userPass(user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 1929 §2 from raw bytes (empty fields allowed, to test the server's rejection). */
    public static byte[] userPass(byte[] user, byte[] password) {
        checkField("ULEN", user.length);
        checkField("PLEN", password.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(USERPASS_VERSION);
        out.write(user.length);
        out.writeBytes(user);
        out.write(password.length);
        out.writeBytes(password);
        return out.toByteArray();
    }

    /** RFC 1928 §4 CONNECT to an IPv4 or IPv6 address. */
    public static byte[] connect(InetAddress address, int port) {
        return request(CMD_CONNECT, address, port);
    }

    /** RFC 1928 §4 CONNECT to a domain name (ATYP 3). */
    public static byte[] connect(String domain, int port) {
        return request(CMD_CONNECT, domain, port);
    }

    /** RFC 1928 §4 CONNECT to an unresolved address (by name) or a resolved one (by address). */
    public static byte[] connect(InetSocketAddress target) {
        return target.isUnresolved()
                ? connect(target.getHostString(), target.getPort())
                : connect(target.getAddress(), target.getPort());
    }

    /**
     * RFC 1928 §4 BIND with the address of the host expected to connect back (RFC 1928 §6: the server
     * may use it to evaluate the request).
     */
    public static byte[] bind(InetAddress expectedPeer, int port) {
        return request(CMD_BIND, expectedPeer, port);
    }

    /** RFC 1928 §4 BIND naming the host expected to connect back by domain name (ATYP 3). */
    public static byte[] bind(String expectedPeer, int port) {
        return request(CMD_BIND, expectedPeer, port);
    }

    /**
     * RFC 1928 §4 UDP ASSOCIATE. DST.ADDR and DST.PORT are where the client will send its datagrams from
     * (RFC 1928 §4), or zeros when it does not know yet; an unresolved address is sent as a domain name.
     */
    public static byte[] udpAssociate(InetSocketAddress clientUdp) {
        return clientUdp.isUnresolved()
                ? request(CMD_UDP_ASSOCIATE, clientUdp.getHostString(), clientUdp.getPort())
                : request(CMD_UDP_ASSOCIATE, clientUdp.getAddress(), clientUdp.getPort());
    }

    /** RFC 1928 §4 {@code VER CMD RSV ATYP DST.ADDR DST.PORT} with an address (ATYP 1 or 4). */
    public static byte[] request(int cmd, InetAddress address, int port) {
        int atyp = address instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6;
        if (!(address instanceof Inet4Address) && !(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        return request(cmd, atyp, address.getAddress(), port);
    }

    /** RFC 1928 §4 with a domain name (ATYP 3, one length byte then the ASCII name). */
    public static byte[] request(int cmd, String domain, int port) {
        return request(cmd, ATYP_DOMAIN, lengthPrefixed(domain), port);
    }

    /** RFC 1928 §4 with any ATYP and raw DST.ADDR bytes (for unknown address types). */
    public static byte[] request(int cmd, int atyp, byte[] dstAddr, int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION);
        out.write(cmd);
        out.write(0); // RSV
        out.write(atyp);
        out.writeBytes(dstAddr);
        out.write((port >>> BITS_PER_BYTE) & BYTE_MASK);
        out.write(port & BYTE_MASK);
        return out.toByteArray();
    }

    /**
     * RFC 1928 §7 {@code RSV FRAG ATYP DST.ADDR DST.PORT DATA}, FRAG X'00', for {@code destination}: its
     * address (ATYP 1 or 4), or its name (ATYP 3) when it is unresolved.
     */
    public static byte[] udpDatagram(InetSocketAddress destination, byte[] data) {
        if (destination.isUnresolved()) {
            return udpDatagram(destination.getHostString(), destination.getPort(), data);
        }
        return udpDatagram(destination.getAddress(), destination.getPort(), data);
    }

    /** RFC 1928 §7 datagram, FRAG X'00', to an IPv4 or IPv6 address (ATYP 1 or 4). */
    public static byte[] udpDatagram(InetAddress destination, int port, byte[] data) {
        if (!(destination instanceof Inet4Address) && !(destination instanceof Inet6Address)) {
            throw new IllegalArgumentException("not an IP address: " + destination);
        }
        int atyp = destination instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6;
        return udpDatagram(FRAG_STANDALONE, atyp, destination.getAddress(), port, data);
    }

    /** RFC 1928 §7 datagram, FRAG X'00', to a domain name the relay resolves (ATYP 3). */
    public static byte[] udpDatagram(String domain, int port, byte[] data) {
        return udpDatagram(FRAG_STANDALONE, ATYP_DOMAIN, lengthPrefixed(domain), port, data);
    }

    /**
     * RFC 1928 §7 datagram with any FRAG, ATYP and raw DST.ADDR bytes (a domain name's length octet
     * included), for fragments and unknown address types the relay must drop.
     */
    public static byte[] udpDatagram(int frag, int atyp, byte[] dstAddr, int port, byte[] data) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0); // RSV, first octet
        out.write(0); // RSV, second octet
        out.write(frag);
        out.write(atyp);
        out.writeBytes(dstAddr);
        out.write((port >>> BITS_PER_BYTE) & BYTE_MASK);
        out.write(port & BYTE_MASK);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The frames one after the other, for a pipelined single write. */
    public static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    /** A DOMAINNAME field: one length octet, then the ASCII name. */
    private static byte[] lengthPrefixed(String domain) {
        byte[] name = domain.getBytes(StandardCharsets.US_ASCII);
        checkField("domain length", name.length);
        byte[] addr = new byte[name.length + 1];
        addr[0] = (byte) name.length;
        System.arraycopy(name, 0, addr, 1, name.length);
        return addr;
    }

    private static void checkField(String field, int length) {
        if (length > MAX_FIELD) {
            throw new IllegalArgumentException(field + " " + length + " exceeds " + MAX_FIELD);
        }
    }
}
