package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.proxy.Loopback.V4;
import static socks5d.proxy.Loopback.V6;
import static socks5d.testkit.bytes.Hex.bytes;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.proxy.Started;
import socks5d.testkit.client.RawConnection;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.dns.LoopbackDnsServer;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.SinkServer;
import socks5d.testkit.target.SourcePattern;
import socks5d.testkit.target.SourceServer;

/**
 * SOCKS5 behaviour of a running socks5d over real loopback sockets (docs/protocols/socks5.md,
 * RFC 1928/1929), driven by the testkit's independent client, with embedded targets and a loopback
 * DNS server so nothing leaves the machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocksServerIT {
    private static final Duration T = Duration.ofSeconds(5);

    private final Started started = new Started();
    private LoopbackDnsServer dns;
    private EchoServer echo4;
    private EchoServer echo6;
    private ProxyHarness proxy;

    @BeforeAll
    void start() {
        echo6 = started.add(EchoServer.start(V6));
        echo4 = started.add(EchoServer.start(V4));
        dns = started.add(LoopbackDnsServer.builder()
                .record("v4.test", V4)
                .record("v6.test", V6)
                .record("dual.test", V6, V4)
                .start());
        proxy = started.add(ProxyHarness.start(dns.socks5dConfig() + String.join("\n",
                "socks5d.proxy.connect-timeout = 1s",
                "socks5d.proxy.handshake-timeout = 2s")));
    }

    @AfterAll
    void stop() {
        started.close();
    }

    @Nested
    class Connect {
        @Test
        void relaysToIpv4WithBoundAddressOfOutboundSocket() throws IOException {
            try (Socks5Result r = proxy.client().connect(V4, echo4.port())) {
                assertEquals(0, r.reply(), r.toString());
                assertEquals(V4, r.boundAddress());
                assertNotEquals(0, r.boundPort());
                assertNotEquals(proxy.socks().getPort(), r.boundPort(), "BND.PORT is the outbound socket's port");
                assertEchoes(r.socket(), "hello over IPv4");
            }
        }

        @Test
        void relaysToIpv6() throws IOException {
            try (Socks5Result r = proxy.client().connect(V6, echo6.port())) {
                assertEquals(0, r.reply(), r.toString());
                assertEquals(V6, r.boundAddress());
                assertEchoes(r.socket(), "hello over IPv6");
            }
        }

        @Test
        void relaysToDomainName() throws IOException {
            try (Socks5Result r = proxy.client().connect("v4.test", echo4.port())) {
                assertEquals(0, r.reply(), r.toString());
                assertEchoes(r.socket(), "hello by name");
            }
        }

        @Test
        void triesEveryAddressWhenOnlyIpv4Listens() throws IOException {
            try (Socks5Result r = proxy.client().connect("dual.test", echo4.port())) {
                assertEquals(0, r.reply(), r.toString());
                assertEchoes(r.socket(), "dual name, IPv4 target");
            }
        }

        @Test
        void triesEveryAddressWhenOnlyIpv6Listens() throws IOException {
            try (Socks5Result r = proxy.client().connect("dual.test", echo6.port())) {
                assertEquals(0, r.reply(), r.toString());
                assertEchoes(r.socket(), "dual name, IPv6 target");
            }
        }
    }

    @Nested
    class ReplyCodes {
        @Test
        void repliesHostUnreachableWhenNameDoesNotResolve() throws IOException {
            try (Socks5Result r = proxy.client().connect("nx.test", echo4.port())) {
                assertEquals(Socks5Frames.REP_HOST_UNREACHABLE, r.reply());
            }
        }

        @Test
        void repliesConnectionRefusedWhenNothingListens() throws IOException {
            int closed = closedPort();
            try (Socks5Result r = proxy.client().connect(V4, closed)) {
                assertEquals(Socks5Frames.REP_CONNECTION_REFUSED, r.reply());
            }
        }

        @Test
        void repliesTtlExpiredWhenConnectTimesOut() throws IOException {
            try (ServerSocket full = new ServerSocket(0, 1, V4)) {
                List<Socket> fillers = fillBacklog(full);
                try (Socks5Result r = proxy.client().withTimeouts(T, Duration.ofSeconds(10)).connect(V4, full.getLocalPort())) {
                    assertEquals(Socks5Frames.REP_TTL_EXPIRED, r.reply());
                } finally {
                    for (Socket s : fillers) {
                        s.close();
                    }
                }
            }
        }

        @Test
        void repliesCommandNotSupportedToUnknownCommands() throws IOException {
            for (int cmd : new int[] {0x00, 0x04, 0x09}) {
                try (Socks5Result r = proxy.client().request(cmd, V4, echo4.port())) {
                    assertEquals(Socks5Frames.REP_COMMAND_NOT_SUPPORTED, r.reply(), "CMD " + cmd);
                }
            }
        }

        @Test
        void repliesAddressTypeNotSupported() throws IOException {
            try (RawConnection c = authenticated()) {
                c.send(bytes("05 01 00 05 7f 00 00 01 00 50"));
                assertArrayEquals(bytes("05 08 00 01 00 00 00 00 00 00"), c.readExactly(10, T));
                assertTrue(c.isClosedByPeer(T));
            }
        }

        @Test
        void repliesGeneralFailureToMalformedRequest() throws IOException {
            try (RawConnection c = authenticated()) {
                c.send(bytes("05 01 00 03 00 00 50")); // zero-length DOMAINNAME
                assertArrayEquals(bytes("05 01 00 01 00 00 00 00 00 00"), c.readExactly(10, T));
                assertTrue(c.isClosedByPeer(T));
            }
        }

        @Test
        void repliesNotAllowedToTheProxysOwnPortByAnySpelling() throws IOException {
            // With a fixed SOCKS port the listener protects itself; here the port is ephemeral, so a
            // rule-configured server is tested in RulesetIT. This checks a deny rule from config.
            try (ProxyHarness denying = ProxyHarness.start(dns.socks5dConfig()
                    + "socks5d.proxy.rules.list = [{action = deny, ports = [" + echo4.port() + "]}]")) {
                for (String host : new String[] {"127.0.0.1", "v4.test"}) {
                    try (Socks5Result r = denying.client().connect(host, echo4.port())) {
                        assertEquals(Socks5Frames.REP_NOT_ALLOWED, r.reply(), host);
                    }
                }
            }
        }
    }

    @Nested
    class Authentication {
        @Test
        void rejectsWrongPasswordAndCloses() throws IOException {
            try (RawConnection c = RawConnection.open(proxy.socks(), T)) {
                c.send(Socks5Frames.greeting(Socks5Frames.METHOD_USERPASS));
                assertArrayEquals(bytes("05 02"), c.readExactly(2, T));
                c.send(Socks5Frames.userPass(ProxyHarness.USER, "wrong"));
                assertArrayEquals(bytes("01 01"), c.readExactly(2, T));
                assertTrue(c.isClosedByPeer(T));
            }
        }

        @Test
        void answersNoAcceptableMethodsWhenOnlyNoAuthIsOffered() throws IOException {
            try (RawConnection c = RawConnection.open(proxy.socks(), T)) {
                c.send(Socks5Frames.greeting(Socks5Frames.METHOD_NO_AUTH));
                assertArrayEquals(bytes("05 ff"), c.readExactly(2, T));
                assertTrue(c.isClosedByPeer(T));
            }
        }

        @Test
        void acceptsPipelinedGreetingAuthRequestAndPayload() throws IOException {
            try (RawConnection c = RawConnection.open(proxy.socks(), T)) {
                byte[] payload = "pipelined payload".getBytes(StandardCharsets.US_ASCII);
                c.send(Socks5Frames.concat(
                        Socks5Frames.greeting(Socks5Frames.METHOD_USERPASS),
                        Socks5Frames.userPass(ProxyHarness.USER, ProxyHarness.PASSWORD),
                        Socks5Frames.connect(V4, echo4.port()),
                        payload));
                assertArrayEquals(bytes("05 02 01 00"), c.readExactly(4, T));
                byte[] reply = c.readExactly(10, T);
                assertEquals(0, reply[1]);
                assertArrayEquals(payload, c.readExactly(payload.length, T));
            }
        }

        @Test
        void acceptsHandshakeByteByByte() throws IOException {
            try (RawConnection c = RawConnection.open(proxy.socks(), T)) {
                c.sendByteByByte(Socks5Frames.concat(
                        Socks5Frames.greeting(Socks5Frames.METHOD_NO_AUTH, Socks5Frames.METHOD_USERPASS),
                        Socks5Frames.userPass(ProxyHarness.USER, ProxyHarness.PASSWORD),
                        Socks5Frames.connect("v4.test", echo4.port())));
                assertArrayEquals(bytes("05 02 01 00"), c.readExactly(4, T));
                assertEquals(0, c.readExactly(10, T)[1]);
                c.send("x".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("x".getBytes(StandardCharsets.US_ASCII), c.readExactly(1, T));
            }
        }

        @Test
        void dropsClientThatStallsMidHandshake() throws IOException {
            try (RawConnection c = RawConnection.open(proxy.socks(), T)) {
                c.send(bytes("05 02")); // greeting announces two methods, sends none
                assertTrue(c.isClosedByPeer(Duration.ofSeconds(10)), "dropped after the handshake timeout");
            }
        }
    }

    @Nested
    class Relay {
        @Test
        void moves64MiBEachWayIntact() throws Exception {
            long size = 64L << 20;
            try (SourceServer source = SourceServer.start(V4); SinkServer sink = SinkServer.start(V4)) {
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<Long> down = pool.submit(() -> download(source, size));
                    Future<SinkServer.Receipt> up = pool.submit(() -> upload(sink, size));
                    assertEquals(size, down.get(90, TimeUnit.SECONDS));
                    SinkServer.Receipt receipt = up.get(90, TimeUnit.SECONDS);
                    assertEquals(size, receipt.count());
                    assertEquals(SourcePattern.crc32c(size), receipt.crc32c());
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        private long download(SourceServer source, long size) throws IOException {
            try (Socks5Result r = proxy.client().withTimeouts(T, Duration.ofSeconds(60)).connect(V4, source.port())) {
                assertEquals(0, r.reply());
                r.socket().getOutputStream().write(SourcePattern.request(size));
                SourcePattern.Verifier v = SourcePattern.verifier();
                byte[] buf = new byte[256 * 1024];
                InputStream in = r.socket().getInputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    assertTrue(v.update(buf, 0, n), "mismatch at " + v.firstMismatch());
                }
                assertTrue(v.matches(size));
                return v.count();
            }
        }

        private SinkServer.Receipt upload(SinkServer sink, long size) throws IOException {
            try (Socks5Result r = proxy.client().withTimeouts(T, Duration.ofSeconds(60)).connect(V4, sink.port())) {
                assertEquals(0, r.reply());
                OutputStream out = r.socket().getOutputStream();
                int chunk = 256 * 1024;
                for (long off = 0; off < size; off += chunk) {
                    out.write(SourcePattern.bytes(off, (int) Math.min(chunk, size - off)));
                }
                r.socket().shutdownOutput(); // half-close: the sink answers after EOF
                return SinkServer.Receipt.read(r.socket().getInputStream());
            }
        }

        @Test
        void aClientThatHalfClosesAndReadsLateGetsTheWholeDownload() throws Exception {
            // The client's FIN arrives first, then the download fills every buffer on the way while the
            // client does not read: the proxy must wait for the client's socket to drain, with its input
            // already shut, and deliver every byte.
            long size = 64L * 1024 * 1024;
            try (SourceServer source = SourceServer.start(V4);
                 Socks5Result r = proxy.client().withTimeouts(T, Duration.ofSeconds(60)).connect(V4, source.port())) {
                assertEquals(0, r.reply());
                r.socket().getOutputStream().write(SourcePattern.request(size));
                r.socket().shutdownOutput();
                Thread.sleep(1000);
                SourcePattern.Verifier v = SourcePattern.verifier();
                byte[] buf = new byte[256 * 1024];
                InputStream in = r.socket().getInputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    assertTrue(v.update(buf, 0, n), "mismatch at " + v.firstMismatch());
                }
                assertTrue(v.matches(size), "received " + v.count() + " of " + size + " bytes");
            }
        }

        @Test
        void propagatesHalfCloseAndDeliversTheRestOfTheReply() throws IOException {
            try (Socks5Result r = proxy.client().connect(V4, echo4.port())) {
                byte[] data = new byte[200_000];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31);
                }
                r.socket().getOutputStream().write(data);
                r.socket().shutdownOutput();
                byte[] back = new DataInputStream(r.socket().getInputStream()).readNBytes(data.length + 1);
                assertArrayEquals(data, back, "all echoed bytes arrive, then EOF");
            }
        }

        @Test
        void servesAThousandConcurrentClients() throws Exception {
            int n = 1000;
            List<Socks5Result> open = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<Socks5Result>> handshakes = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    handshakes.add(pool.submit(() -> proxy.client().withTimeouts(T, Duration.ofSeconds(20)).connect(V4, echo4.port())));
                }
                for (Future<Socks5Result> f : handshakes) {
                    Socks5Result r = f.get(60, TimeUnit.SECONDS);
                    open.add(r);
                    assertEquals(0, r.reply());
                }
                // All 1000 are open at once; now every one does a round trip.
                List<Future<?>> trips = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Socks5Result r = open.get(i);
                    String msg = "client " + i;
                    trips.add(pool.submit(() -> {
                        assertEchoes(r.socket(), msg);
                        return null;
                    }));
                }
                for (Future<?> f : trips) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                for (Socks5Result r : open) {
                    r.close();
                }
                pool.shutdownNow();
            }
        }

        @Test
        void slowReaderDoesNotStallOthers() throws Exception {
            try (SourceServer source = SourceServer.start(V4);
                 Socks5Result slow = proxy.client().connect(V4, source.port());
                 RawConnection stalled = RawConnection.open(proxy.socks(), T)) {
                stalled.send(bytes("05")); // a client stuck in its greeting
                // The slow client asks for 1 GiB and never reads it: the proxy must backpressure.
                slow.socket().getOutputStream().write(SourcePattern.request(1L << 30));
                for (int i = 0; i < 20; i++) {
                    try (Socks5Result fast = proxy.client().connect(V4, echo4.port())) {
                        assertEquals(0, fast.reply());
                        assertEchoes(fast.socket(), "fast " + i);
                    }
                }
            }
        }
    }

    @Test
    void limitsConcurrentClientsAndCountsRefusals() throws Exception {
        try (ProxyHarness limited = ProxyHarness.start("socks5d.proxy.max-clients = 2")) {
            try (Socks5Result a = limited.client().connect(V4, echo4.port());
                 Socks5Result b = limited.client().connect(V4, echo4.port());
                 RawConnection c = RawConnection.open(limited.socks(), T)) {
                assertEquals(0, a.reply());
                assertEquals(0, b.reply());
                assertTrue(c.isClosedByPeer(T), "a third client is closed at once");
                assertEchoes(a.socket(), "still served");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            var m = limited.metrics();
            while ((m.currentConnections() != 0 || m.connectionAttempts() != 3) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                m = limited.metrics();
            }
            assertEquals(3, m.connectionAttempts());
            assertEquals(2, m.historicConnections());
            assertEquals(2, m.maxConcurrentConnections());
            assertEquals(0, m.currentConnections());
        }
    }

    @Test
    void closesARelayedSessionIdleForTheIdleTimeoutButNotABusyOne() throws Exception {
        try (ProxyHarness idle = ProxyHarness.start(String.join("\n",
                "socks5d.proxy.idle-timeout = 1s",
                "socks5d.proxy.metrics-flush-interval = 200ms"))) {
            try (Socks5Result quiet = idle.client().withTimeouts(T, Duration.ofSeconds(10)).connect(V4, echo4.port());
                 Socks5Result busy = idle.client().withTimeouts(T, Duration.ofSeconds(10)).connect(V4, echo4.port())) {
                assertEquals(0, quiet.reply());
                assertEquals(0, busy.reply());
                assertEchoes(quiet.socket(), "once");
                long start = System.nanoTime();
                // The busy session echoes every 300 ms for 3 s: never idle for a whole second.
                for (int i = 0; i < 10; i++) {
                    assertEchoes(busy.socket(), "still here " + i);
                    Thread.sleep(300);
                }
                assertEquals(-1, quiet.socket().getInputStream().read(), "the quiet session was closed");
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
                assertEchoes(busy.socket(), "busy session survived");
            }
        }
    }

    // ---- helpers ----

    private RawConnection authenticated() throws IOException {
        RawConnection c = RawConnection.open(proxy.socks(), T);
        c.send(Socks5Frames.greeting(Socks5Frames.METHOD_USERPASS), Socks5Frames.userPass(ProxyHarness.USER, ProxyHarness.PASSWORD));
        assertArrayEquals(bytes("05 02 01 00"), c.readExactly(4, T));
        return c;
    }

    private static void assertEchoes(Socket socket, String message) throws IOException {
        ProxyHarness.assertEchoes(socket, message);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, V4)) {
            return s.getLocalPort();
        }
    }

    /** Connections that fill a never-accepted listen queue, so the next SYN goes unanswered. */
    private static List<Socket> fillBacklog(ServerSocket full) throws IOException {
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 300);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return fillers;
            }
        }
        throw new IllegalStateException("could not fill the listen backlog");
    }
}
