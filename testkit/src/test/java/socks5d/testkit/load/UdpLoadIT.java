package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import socks5d.testkit.client.MiniUdpRelay;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.target.UdpEchoServer;

/**
 * {@link UdpLoad} against a {@link UdpEchoServer}: straight, through a path that loses every tenth
 * datagram, and through a minimal SOCKS5 UDP relay. Every run is bounded in count and time.
 */
class UdpLoadIT {
    private static final Duration CAP = Duration.ofSeconds(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void directRunSendsTheCountAndGetsEveryEchoBack() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             UdpLoad.Path path = UdpLoad.Path.direct(echo.socketAddress())) {
            UdpLoad.Outcome o = UdpLoad.run(path, UdpLoad.Plan.forCount(2_000, CAP));
            assertEquals(2_000, o.sent());
            assertEquals(2_000, o.received(), o.toString());
            assertEquals(0, o.lost());
            assertEquals(0, o.corrupt());
            assertEquals(0, o.duplicates());
            assertEquals(2_000, echo.receivedCount());
            assertEquals(64, o.inFlight());
            assertEquals(512, o.payloadSize());
            assertTrue(o.datagramsPerSecond() > 0, o.toString());
            assertTrue(o.p50Ms() > 0 && o.p50Ms() <= o.p99Ms() && o.p99Ms() <= o.maxMs(), o.toString());
            assertEquals(0.0, o.lossPercent());
        }
    }

    @Test
    void directRunOnIpv6ForADuration() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("::1"));
             UdpLoad.Path path = UdpLoad.Path.direct(echo.socketAddress())) {
            UdpLoad.Outcome o = UdpLoad.run(path, UdpLoad.Plan.forDuration(Duration.ofMillis(300)));
            assertTrue(o.sent() > 0, o.toString());
            assertTrue(o.seconds() >= 0.3 && o.seconds() < CAP.toSeconds(), o.toString());
            assertEquals(0, o.lost(), o.toString());
            assertEquals(o.sent(), echo.receivedCount());
        }
    }

    @Test
    void countsLossAndKeepsTheWindowMovingPastLostDatagrams() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             UdpLoad.Path lossy = new DropEveryTenth(UdpLoad.Path.direct(echo.socketAddress()))) {
            UdpLoad.Plan plan = UdpLoad.Plan.forCount(500, CAP).withInFlight(8)
                    .withExpiry(Duration.ofMillis(50)).withGrace(Duration.ofMillis(100));
            UdpLoad.Outcome o = UdpLoad.run(lossy, plan);
            assertEquals(500, o.sent(), o.toString());
            assertEquals(50, o.lost(), o.toString());
            assertEquals(450, o.received(), o.toString());
            // each lost request left the window after the expiry, except those still in it when sending stopped
            assertTrue(o.expired() >= 50 - 8 && o.expired() <= 50, o.toString());
            assertEquals(10.0, o.lossPercent(), 1e-9);
            assertEquals(450, echo.receivedCount());
        }
    }

    @Test
    void runsThroughASocks5UdpAssociation() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             MiniUdpRelay relay = MiniUdpRelay.start(Map.of());
             UdpLoad.Path path = UdpLoad.Path.socks(
                     Socks5Client.to(relay.address()).withTimeouts(TIMEOUT, TIMEOUT).udpAssociate(),
                     echo.socketAddress())) {
            UdpLoad.Outcome o = UdpLoad.run(path, UdpLoad.Plan.forCount(1_000, CAP));
            assertEquals(1_000, o.sent());
            assertEquals(0, o.corrupt(), o.toString());
            assertEquals(o.sent(), o.received() + o.lost());
            assertTrue(o.received() > 0, o.toString());
            assertTrue(o.label().startsWith("socks5 udp relay"), o.label());
        }
    }

    @Test
    void metricsNameEveryFigure() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             UdpLoad.Path path = UdpLoad.Path.direct(echo.socketAddress())) {
            Map<String, Object> m = UdpLoad.run(path, UdpLoad.Plan.forCount(10, CAP)).metrics();
            assertEquals(10L, m.get("sent"));
            assertEquals(0L, m.get("lost"));
            assertTrue(m.keySet().containsAll(java.util.List.of(
                    "datagramsPerSec", "p99Ms", "lossPercent", "errors", "inFlight", "payload")), m.toString());
        }
    }

    @Test
    void plansRejectWhatCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> UdpLoad.Plan.forCount(0, CAP));
        assertThrows(IllegalArgumentException.class, () -> UdpLoad.Plan.forDuration(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> UdpLoad.Plan.forCount(1, CAP).withInFlight(0));
        assertThrows(IllegalArgumentException.class,
                () -> UdpLoad.Plan.forCount(1, CAP).withPayloadSize(UdpLoad.PAYLOAD_HEADER - 1));
        assertThrows(IllegalArgumentException.class,
                () -> UdpLoad.Plan.forCount(1, CAP).withPayloadSize(UdpLoad.MAX_PAYLOAD + 1));
    }

    /** A path that never sends the datagrams whose sequence number is a multiple of ten. */
    private static final class DropEveryTenth implements UdpLoad.Path {
        private final UdpLoad.Path inner;

        DropEveryTenth(UdpLoad.Path inner) {
            this.inner = inner;
        }

        @Override
        public void send(byte[] payload) throws IOException {
            if (ByteBuffer.wrap(payload).getLong(0) % 10 != 0) {
                inner.send(payload);
            }
        }

        @Override
        public byte[] receive(Duration timeout) throws IOException {
            return inner.receive(timeout);
        }

        @Override
        public String label() {
            return "lossy " + inner.label();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
