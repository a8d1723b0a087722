package socks5d.testkit.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.bytes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@link Socks5Datagram#parse} on what a relay sends back, RFC 1928 §7, against literal bytes. */
class Socks5DatagramTest {
    private static final InetSocketAddress RELAY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080);

    private static Socks5Datagram parse(byte[] packet) throws ProtocolException {
        return Socks5Datagram.parse(packet, 0, packet.length, RELAY);
    }

    @Test
    void takesApartAnIpv4Sender() throws Exception {
        Socks5Datagram d = parse(bytes("""
                00 00        # RSV
                00           # FRAG
                01           # ATYP IPv4
                7f 00 00 01  # DST.ADDR: the sender, 127.0.0.1
                00 35        # DST.PORT: the sender's port, 53
                70 6f 6e 67  # DATA "pong"
                """));
        assertEquals(0, d.fragment());
        assertEquals(Socks5Frames.ATYP_IPV4, d.addressType());
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53), d.sender());
        assertArrayEquals("pong".getBytes(), d.data());
        assertEquals(RELAY, d.source());
    }

    @Test
    void takesApartAnIpv6Sender() throws Exception {
        Socks5Datagram d = parse(bytes("""
                00 00        # RSV
                00           # FRAG
                04           # ATYP IPv6
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR ::1
                c3 50        # DST.PORT 50000
                """));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 50_000), d.sender());
        assertEquals(0, d.data().length);
    }

    @Test
    void takesApartANamedSender() throws Exception {
        Socks5Datagram d = parse(bytes("""
                00 00        # RSV
                00           # FRAG
                03           # ATYP DOMAINNAME
                08           # DST.ADDR length
                64 6e 73 2e 74 65 73 74  # DST.ADDR "dns.test"
                00 35        # DST.PORT 53
                71           # DATA "q"
                """));
        assertNull(d.address());
        assertEquals("dns.test", d.host());
        assertEquals(InetSocketAddress.createUnresolved("dns.test", 53), d.sender());
        assertArrayEquals("q".getBytes(), d.data());
    }

    @Test
    void keepsANonZeroFrag() throws Exception {
        assertEquals(0x81, parse(bytes("00 00 81 01 7f000001 0035")).fragment());
    }

    @Test
    void readsOnlyItsSliceOfTheBuffer() throws Exception {
        byte[] buffer = bytes("ee ee  00 00 00 01 7f000001 0007 61 62  ee");
        Socks5Datagram d = Socks5Datagram.parse(buffer, 2, 12, RELAY);
        assertEquals(7, d.port());
        assertArrayEquals("ab".getBytes(), d.data());
    }

    @Test
    void datagramsWithTheSameBytesAreEqual() throws Exception {
        assertEquals(parse(bytes("00 00 00 01 7f000001 0007 61")), parse(bytes("00 00 00 01 7f000001 0007 61")));
    }

    @Test
    void rejectsNonZeroRsv() {
        assertThrows(ProtocolException.class, () -> parse(bytes("00 01 00 01 7f000001 0035")));
        assertThrows(ProtocolException.class, () -> parse(bytes("80 00 00 01 7f000001 0035")));
    }

    @Test
    void rejectsUnknownAtyp() {
        assertThrows(ProtocolException.class, () -> parse(bytes("00 00 00 02 7f000001 0035")));
    }

    @Test
    void rejectsEmptyDomainName() {
        assertThrows(ProtocolException.class, () -> parse(bytes("00 00 00 03 00 0035")));
    }

    @Test
    void rejectsEveryCutInsideTheHeader() {
        for (byte[] whole : new byte[][] {
                bytes("00 00 00 01 7f000001 0035"),
                bytes("00 00 00 04 00000000000000000000000000000001 0035"),
                bytes("00 00 00 03 02 6162 0035")}) {
            for (int n = 0; n < whole.length; n++) {
                byte[] cut = Arrays.copyOf(whole, n);
                ProtocolException e = assertThrows(ProtocolException.class, () -> parse(cut), "cut at " + n);
                assertTrue(e.getMessage().startsWith("datagram ends inside"), e.getMessage());
            }
        }
    }
}
