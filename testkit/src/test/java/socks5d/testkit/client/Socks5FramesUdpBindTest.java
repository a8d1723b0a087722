package socks5d.testkit.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static socks5d.testkit.bytes.Hex.bytes;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/**
 * The client's BIND and UDP ASSOCIATE requests (RFC 1928 §4) and its UDP request header (RFC 1928 §7)
 * from {@link Socks5Frames}, against literal bytes. A sibling of {@code Socks5FramesTest}.
 */
class Socks5FramesUdpBindTest {

    @Test
    void bindNamingTheExpectedPeerByAddress() throws Exception {
        assertArrayEquals(bytes("""
                05           # VER
                02           # CMD BIND
                00           # RSV
                01           # ATYP IPv4
                7f 00 00 02  # DST.ADDR 127.0.0.2, the host expected to connect
                00 14        # DST.PORT 20
                """), Socks5Frames.bind(InetAddress.getByName("127.0.0.2"), 20));
    }

    @Test
    void bindNamingTheExpectedPeerByName() {
        assertArrayEquals(bytes("""
                05           # VER
                02           # CMD BIND
                00           # RSV
                03           # ATYP DOMAINNAME
                07           # DST.ADDR length
                66 74 70 2e 74 65 73  # DST.ADDR "ftp.tes"
                00 00        # DST.PORT 0
                """), Socks5Frames.bind("ftp.tes", 0));
    }

    @Test
    void udpAssociateDeclaringTheClientsSocket() throws Exception {
        assertArrayEquals(bytes("""
                05           # VER
                03           # CMD UDP ASSOCIATE
                00           # RSV
                01           # ATYP IPv4
                7f 00 00 01  # DST.ADDR 127.0.0.1, where the client sends from
                d4 31        # DST.PORT 54321
                """), Socks5Frames.udpAssociate(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 54_321)));
    }

    @Test
    void udpAssociateNotKnowingTheClientsSocketSendsZeros() throws Exception {
        assertArrayEquals(bytes("""
                05           # VER
                03           # CMD UDP ASSOCIATE
                00           # RSV
                01           # ATYP IPv4
                00 00 00 00  # DST.ADDR 0.0.0.0
                00 00        # DST.PORT 0
                """), Socks5Frames.udpAssociate(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0)));
    }

    @Test
    void udpAssociateFromIpv6() throws Exception {
        assertArrayEquals(bytes("""
                05           # VER
                03           # CMD UDP ASSOCIATE
                00           # RSV
                04           # ATYP IPv6
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR ::1
                00 35        # DST.PORT 53
                """), Socks5Frames.udpAssociate(new InetSocketAddress(InetAddress.getByName("::1"), 53)));
    }

    @Test
    void udpDatagramToAnIpv4Address() throws Exception {
        assertArrayEquals(bytes("""
                00 00        # RSV
                00           # FRAG
                01           # ATYP IPv4
                7f 00 00 01  # DST.ADDR 127.0.0.1
                00 35        # DST.PORT 53
                70 69 6e 67  # DATA "ping"
                """), Socks5Frames.udpDatagram(InetAddress.getByName("127.0.0.1"), 53, "ping".getBytes()));
    }

    @Test
    void udpDatagramToAnIpv6Address() throws Exception {
        assertArrayEquals(bytes("""
                00 00        # RSV
                00           # FRAG
                04           # ATYP IPv6
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR 2001:db8::1
                01 bb        # DST.PORT 443
                78           # DATA "x"
                """), Socks5Frames.udpDatagram(
                new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443), "x".getBytes()));
    }

    @Test
    void udpDatagramToANameTheRelayResolves() {
        assertArrayEquals(bytes("""
                00 00        # RSV
                00           # FRAG
                03           # ATYP DOMAINNAME
                08           # DST.ADDR length
                64 6e 73 2e 74 65 73 74  # DST.ADDR "dns.test"
                00 35        # DST.PORT 53
                """), Socks5Frames.udpDatagram(InetSocketAddress.createUnresolved("dns.test", 53), new byte[0]));
    }

    @Test
    void rawUdpDatagramCarriesAFragmentNumberAndAnyAtyp() {
        assertArrayEquals(bytes("""
                00 00        # RSV
                81           # FRAG 1, end of the sequence
                02           # ATYP, not in RFC 1928 §5
                aa bb        # DST.ADDR, raw
                00 07        # DST.PORT 7
                64           # DATA "d"
                """), Socks5Frames.udpDatagram(0x81, 2, bytes("aa bb"), 7, "d".getBytes()));
    }

    @Test
    void rejectsWhatTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> Socks5Frames.udpDatagram("a".repeat(256), 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Socks5Frames.udpDatagram(0, 1, new byte[4], 65_536, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Socks5Frames.bind("b".repeat(256), 1));
    }
}
