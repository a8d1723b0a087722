package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

/** {@link UdpEchoServer} on the loopback addresses: every datagram goes back to its own sender, counted. */
class UdpEchoServerIT {
    private static final int TIMEOUT_MS = 5_000;
    private static final Duration TIMEOUT = Duration.ofMillis(TIMEOUT_MS);

    @Test
    void echoesEachDatagramToItsSenderOnIpv4() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             DatagramSocket client = client(echo)) {
            assertInstanceOf(Inet4Address.class, echo.address());
            assertArrayEquals("ping".getBytes(), roundTrip(client, echo, "ping".getBytes()));
            assertEquals(1, echo.receivedCount());
            assertEquals(client.getLocalSocketAddress(), echo.lastSender());
        }
    }

    @Test
    void echoesOnIpv6LoopbackToo() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("::1"));
             DatagramSocket client = client(echo)) {
            assertInstanceOf(Inet6Address.class, echo.address());
            assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(client, echo, new byte[] {1, 2, 3}));
        }
    }

    @Test
    void echoesEmptyAndLargeDatagramsUnchanged() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             DatagramSocket client = client(echo)) {
            assertArrayEquals(new byte[0], roundTrip(client, echo, new byte[0]));
            byte[] large = SourcePattern.bytes(0, 60_000);
            assertArrayEquals(large, roundTrip(client, echo, large));
            assertEquals(2, echo.receivedCount());
            assertEquals(2, echo.echoedCount());
        }
    }

    @Test
    void answersEverySenderSeparately() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             DatagramSocket a = client(echo); DatagramSocket b = client(echo)) {
            send(a, echo, "from a".getBytes());
            send(b, echo, "from b".getBytes());
            assertArrayEquals("from a".getBytes(), receive(a));
            assertArrayEquals("from b".getBytes(), receive(b));
            echo.awaitReceived(2, TIMEOUT);
        }
    }

    @Test
    void countsABurstOfDatagrams() throws Exception {
        int n = 200;
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             DatagramSocket client = client(echo)) {
            client.setReceiveBufferSize(1024 * 1024);
            for (int i = 0; i < n; i++) {
                send(client, echo, new byte[] {(byte) i});
            }
            echo.awaitReceived(n, TIMEOUT);
            for (int i = 0; i < n; i++) {
                receive(client);
            }
            assertEquals(n, echo.echoedCount());
        }
    }

    @Test
    void awaitingMoreThanArrivesTimesOut() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"))) {
            assertThrows(TimeoutException.class, () -> echo.awaitReceived(1, Duration.ofMillis(50)));
        }
    }

    @Test
    void closeStopsTheEcho() throws Exception {
        UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
        try (DatagramSocket client = client(echo)) {
            echo.close();
            send(client, echo, "late".getBytes());
            client.setSoTimeout(100);
            assertThrows(SocketTimeoutException.class, () -> client.receive(new DatagramPacket(new byte[8], 8)));
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("udp-echo-" + echo.port())), "the serving thread ended");
        }
    }

    private static DatagramSocket client(UdpEchoServer echo) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(echo.address(), 0));
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }

    private static byte[] roundTrip(DatagramSocket client, UdpEchoServer echo, byte[] data) throws Exception {
        send(client, echo, data);
        return receive(client);
    }

    private static void send(DatagramSocket client, UdpEchoServer echo, byte[] data) throws Exception {
        client.send(new DatagramPacket(data, data.length, echo.socketAddress()));
    }

    private static byte[] receive(DatagramSocket client) throws Exception {
        byte[] buf = new byte[UdpEchoServer.MAX_DATAGRAM];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        client.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }
}
