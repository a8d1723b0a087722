package socks5d.testkit.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static socks5d.testkit.bytes.Hex.bytes;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class Socks5FramesTest {

    @Test
    void greetingOfferingNoAuthAndUserPass() {
        assertArrayEquals(bytes("""
                05     # VER
                02     # NMETHODS
                00 02  # METHODS: no auth, username/password
                """), Socks5Frames.greeting(0, 2));
    }

    @Test
    void clientWithCredentialsGreetsWithBothMethods() {
        assertArrayEquals(bytes("05 02 00 02"), Socks5Client.to("127.0.0.1", 1).withAuth("u", "p").greeting());
        assertArrayEquals(bytes("05 01 00"), Socks5Client.to("127.0.0.1", 1).greeting());
    }

    @Test
    void userPassRequest() {
        assertArrayEquals(bytes("""
                01           # VER
                05           # ULEN
                62 65 6e 63 68  # UNAME "bench"
                03           # PLEN
                61 62 63     # PASSWD "abc"
                """), Socks5Frames.userPass("bench", "abc"));
    }

    @Test
    void connectIpv4() throws Exception {
        assertArrayEquals(bytes("""
                05 01 00     # VER CMD=CONNECT RSV
                01           # ATYP IPv4
                7f 00 00 01  # DST.ADDR 127.0.0.1
                1f 90        # DST.PORT 8080
                """), Socks5Frames.connect(InetAddress.getByName("127.0.0.1"), 8080));
    }

    @Test
    void connectIpv6() throws Exception {
        assertArrayEquals(bytes("""
                05 01 00  # VER CMD RSV
                04        # ATYP IPv6
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR ::1
                00 50     # DST.PORT 80
                """), Socks5Frames.connect(InetAddress.getByName("::1"), 80));
    }

    @Test
    void connectDomain() {
        assertArrayEquals(bytes("""
                05 01 00  # VER CMD RSV
                03        # ATYP DOMAINNAME
                09        # length
                64 75 61 6c 2e 74 65 73 74  # "dual.test"
                01 bb     # DST.PORT 443
                """), Socks5Frames.connect(InetSocketAddress.createUnresolved("dual.test", 443)));
    }

    @Test
    void pipelinedFramesConcatenate() {
        assertArrayEquals(bytes("05 01 00  05 01 00 03 01 61 00 07"),
                Socks5Frames.concat(Socks5Frames.greeting(0), Socks5Frames.connect("a", 7)));
    }

    @Test
    void rejectsFieldsLongerThan255() {
        assertThrows(IllegalArgumentException.class, () -> Socks5Frames.connect("a".repeat(256), 1));
        assertThrows(IllegalArgumentException.class, () -> Socks5Frames.userPass("u", "p".repeat(256)));
    }
}
