package socks5d.proxy.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

import socks5d.wire.Decoded;

/**
 * Pure encoders and decoders of the SOCKS5 handshake, as the server speaks it: RFC 1928 §3, §4,
 * §5, §6 and RFC 1929 §2 (it decodes what clients send and encodes its answers). Decoders take the bytes received so far and return {@link Decoded}: a message and the bytes
 * after it, a request for more, or why the bytes are invalid. They keep no state and never read
 * past {@code MAX_*} octets. Encoders return exactly the frame's bytes. No I/O; thread-safe.
 */
public final class Socks5Codec {
    /** RFC 1928 §3 VER of every SOCKS5 message. */
    public static final int SOCKS_VERSION = 0x05;
    /** RFC 1929 §2 VER of the username/password sub-negotiation. */
    public static final int USERPASS_VERSION = 0x01;
    /** RFC 1929 §2: STATUS X'00' is success; this server answers failure with X'01'. */
    public static final int USERPASS_SUCCESS = 0x00;
    public static final int USERPASS_FAILURE = 0x01;
    /** RFC 1928 §4/§6 RSV. */
    public static final int RESERVED = 0x00;

    static final int OCTET_MAX = 0xFF;
    static final int PORT_MAX = 0xFFFF;
    static final int MAX_METHODS = 255;

    /** VER + NMETHODS + 255 METHODS. */
    public static final int MAX_GREETING = 2 + MAX_METHODS;
    /** VER + ULEN + 255 + PLEN + 255. */
    public static final int MAX_USERPASS = 3 + 2 * OCTET_MAX;
    /** VER + CMD + RSV + ATYP + LEN + 255 + PORT: the longest request (a domain name). */
    public static final int MAX_REQUEST = 4 + 1 + SocksAddress.MAX_DOMAIN_LENGTH + 2;

    private Socks5Codec() {
    }

    /** RFC 1928 §3 version identifier/method selection message. */
    public static Decoded<Greeting> decodeGreeting(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        int ver = u8(in, 0);
        if (ver != SOCKS_VERSION) {
            return Decoded.invalid("greeting VER " + ver + " is not 5");
        }
        if (in.size() < 2) {
            return Decoded.needMore();
        }
        int n = u8(in, 1);
        if (in.size() < 2 + n) {
            return Decoded.needMore();
        }
        List<Integer> methods = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            methods.add(u8(in, 2 + i));
        }
        return new Decoded.Ok<>(new Greeting(methods), in.drop(2 + n));
    }

    /** RFC 1929 §2 username/password request. ULEN or PLEN of zero is invalid. */
    public static Decoded<UserPassRequest> decodeUserPass(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        int ver = u8(in, 0);
        if (ver != USERPASS_VERSION) {
            return Decoded.invalid("username/password VER " + ver + " is not 1");
        }
        if (in.size() < 2) {
            return Decoded.needMore();
        }
        int ulen = u8(in, 1);
        if (ulen == 0) {
            return Decoded.invalid("ULEN is 0");
        }
        int plenAt = 2 + ulen;
        if (in.size() < plenAt + 1) {
            return Decoded.needMore();
        }
        int plen = u8(in, plenAt);
        if (plen == 0) {
            return Decoded.invalid("PLEN is 0");
        }
        int end = plenAt + 1 + plen;
        if (in.size() < end) {
            return Decoded.needMore();
        }
        String user = in.slice(2, plenAt).decodeString(StandardCharsets.UTF_8);
        String pass = in.slice(plenAt + 1, end).decodeString(StandardCharsets.UTF_8);
        if (user.getBytes(StandardCharsets.UTF_8).length > OCTET_MAX
                || pass.getBytes(StandardCharsets.UTF_8).length > OCTET_MAX) {
            // Bytes that are not UTF-8 decode to replacement characters and may grow past 255.
            return Decoded.invalid("UNAME or PASSWD is not valid UTF-8");
        }
        return new Decoded.Ok<>(new UserPassRequest(user, pass), in.drop(end));
    }

    /**
     * RFC 1928 §4 request. An unknown CMD decodes (the handshake answers 0x07); an unknown ATYP
     * decodes as {@link SocksAddress.Unsupported} with port 0 (answered 0x08); RSV is ignored as
     * RFC 1928 reserves it. A zero-length DOMAINNAME is invalid.
     */
    public static Decoded<Request> decodeRequest(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        int ver = u8(in, 0);
        if (ver != SOCKS_VERSION) {
            return Decoded.invalid("request VER " + ver + " is not 5");
        }
        if (in.size() < 4) {
            return Decoded.needMore();
        }
        int cmd = u8(in, 1);
        int atyp = u8(in, 3);
        int addrAt = 4;
        int portAt;
        switch (atyp) {
            case SocksAddress.ATYP_IPV4 -> portAt = addrAt + SocksAddress.IPV4_LENGTH;
            case SocksAddress.ATYP_IPV6 -> portAt = addrAt + SocksAddress.IPV6_LENGTH;
            case SocksAddress.ATYP_DOMAINNAME -> {
                if (in.size() < addrAt + 1) {
                    return Decoded.needMore();
                }
                int len = u8(in, addrAt);
                if (len == 0) {
                    return Decoded.invalid("DOMAINNAME length is 0");
                }
                portAt = addrAt + 1 + len;
            }
            default -> {
                // The address cannot be parsed, so the frame ends at ATYP; whatever follows is rest.
                return new Decoded.Ok<>(new Request(cmd, new SocksAddress.Unsupported(atyp), 0), in.drop(addrAt));
            }
        }
        if (in.size() < portAt + 2) {
            return Decoded.needMore();
        }
        SocksAddress address = switch (atyp) {
            case SocksAddress.ATYP_IPV4 -> new SocksAddress.Ipv4(SocksAddress.ipv4(in.slice(addrAt, portAt).toArray()));
            case SocksAddress.ATYP_IPV6 -> new SocksAddress.Ipv6(SocksAddress.ipv6(in.slice(addrAt, portAt).toArray()));
            default -> new SocksAddress.DomainName(in.slice(addrAt + 1, portAt).decodeString(StandardCharsets.ISO_8859_1));
        };
        int port = (u8(in, portAt) << 8) | u8(in, portAt + 1);
        return new Decoded.Ok<>(new Request(cmd, address, port), in.drop(portAt + 2));
    }

    // ---- encoders ----

    public static ByteString encode(ServerMessage message) {
        if (message instanceof MethodSelection m) {
            return ByteString.fromArrayUnsafe(new byte[] {(byte) SOCKS_VERSION, (byte) m.method().code()});
        }
        if (message instanceof UserPassReply r) {
            return ByteString.fromArrayUnsafe(new byte[] {
                (byte) USERPASS_VERSION, (byte) (r.success() ? USERPASS_SUCCESS : USERPASS_FAILURE)});
        }
        Reply r = (Reply) message;
        return addressed(r.code().code(), r.boundAddress(), r.boundPort());
    }

    /** VER, a code octet, RSV, ATYP, address and port: the shared shape of §4 and §6. */
    static ByteString addressed(int code, SocksAddress address, int port) {
        ByteStringBuilder b = new ByteStringBuilder();
        b.putByte((byte) SOCKS_VERSION).putByte((byte) code).putByte((byte) RESERVED);
        putAddress(b, address, port);
        return b.result();
    }

    /**
     * ATYP, address and port as RFC 1928 §5 lays them out: the tail shared by the §4 request, the §6
     * reply and the §7 UDP request header ({@link UdpCodec}).
     */
    static void putAddress(ByteStringBuilder b, SocksAddress address, int port) {
        b.putByte((byte) address.atyp());
        if (address instanceof SocksAddress.Ipv4 v4) {
            b.putBytes(v4.address().getAddress());
        } else if (address instanceof SocksAddress.Ipv6 v6) {
            b.putBytes(v6.address().getAddress());
        } else if (address instanceof SocksAddress.DomainName d) {
            byte[] name = d.name().getBytes(StandardCharsets.ISO_8859_1);
            b.putByte((byte) name.length).putBytes(name);
        } else {
            throw new IllegalArgumentException("cannot encode ATYP " + address.atyp());
        }
        b.putByte((byte) (port >>> 8)).putByte((byte) port);
    }

    static int u8(ByteString in, int index) {
        return in.apply(index) & OCTET_MAX;
    }
}
