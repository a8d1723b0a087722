package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import socks5d.management.accesslog.AccessLog;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Bind;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.dns.LoopbackDnsServer;

/**
 * RFC 1928 §6 BIND through a running socks5d over loopback (docs/protocols/socks5.md, BIND): the two
 * replies, the accepted-peer rule, the bind timeout, the relay and its access-log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BindIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();

    private LoopbackDnsServer dns;
    private ProxyHarness proxy;

    @BeforeAll
    void start() {
        dns = LoopbackDnsServer.builder().record("peer.test", V4).start();
        proxy = ProxyHarness.start(dns.socks5dConfig() + "socks5d.proxy.bind-timeout = 2s\n"
                + "socks5d.proxy.rules.list = [{ action = deny, ports = [25] }]\n");
    }

    @AfterAll
    void stop() {
        proxy.close();
        dns.close();
    }

    private static Socket connectFrom(InetAddress local, InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(local, 0));
        s.connect(to, (int) T.toMillis());
        s.setSoTimeout((int) T.toMillis());
        return s;
    }

    /**
     * Connects until {@code listen} refuses (or resets a connection left in its backlog), within
     * {@link #T}: with the NIO transport a closed listener's socket is released at the next select.
     */
    private static void assertStopsListening(InetSocketAddress listen) throws IOException {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(listen, 1000);
                // Accepted by the kernel before the close reached the listener: the proxy closes it.
                s.setSoTimeout((int) T.toMillis());
                assertEquals(-1, s.getInputStream().read());
            } catch (java.net.SocketException closed) {
                // Refused, or reset when the listener closed with the connection still in its backlog.
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the listener still accepts");
        }
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static String read(Socket s, int n) throws IOException {
        return new String(s.getInputStream().readNBytes(n), StandardCharsets.UTF_8);
    }

    @Test
    void relaysBothWaysOnceTheExpectedPeerConnects() throws Exception {
        try (Socks5Bind b = proxy.client().bind(V4, 0)) {
            assertEquals(0, b.first().reply(), b.toString());
            assertEquals(V4, b.first().boundAddress(), "BND.ADDR is the address the client reached the proxy on");
            assertNotEquals(0, b.first().boundPort());
            try (Socket peer = connectFrom(V4, b.listenAddress())) {
                Socks5Result second = b.awaitPeer(T);
                assertEquals(0, second.reply());
                assertEquals(V4, second.boundAddress(), "BND.ADDR of the second reply is the peer's");
                assertEquals(peer.getLocalPort(), second.boundPort());
                send(peer, "220 from the peer\r\n");
                assertEquals("220 from the peer\r\n", read(b.socket(), 19));
                send(b.socket(), "to the peer");
                assertEquals("to the peer", read(peer, 11));
            }
        }
    }

    @Test
    void listensOnIpv6ForAnIpv6PeerOfAClientOnIpv4() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (Socks5Bind b = proxy.client().bind(v6, 0)) {
            assertEquals(0, b.first().reply(), b.toString());
            assertEquals(v6, b.first().boundAddress(), "an address the expected host can reach, not 127.0.0.1");
            try (Socket peer = connectFrom(v6, b.listenAddress())) {
                Socks5Result second = b.awaitPeer(T);
                assertEquals(0, second.reply());
                assertEquals(v6, second.boundAddress());
                send(peer, "over IPv6");
                assertEquals("over IPv6", read(b.socket(), 9));
            }
        }
    }

    @Test
    void acceptsThePeerByName() throws Exception {
        try (Socks5Bind b = proxy.client().bind("peer.test", 21)) {
            assertEquals(0, b.first().reply(), b.toString());
            try (Socket peer = connectFrom(V4, b.listenAddress())) {
                assertEquals(0, b.awaitPeer(T).reply());
                send(b.socket(), "x");
                assertEquals("x", read(peer, 1));
            }
        }
    }

    @Test
    void refusesAPeerFromAnotherAddressAndStillTakesTheExpectedOne() throws Exception {
        try (Socks5Bind b = proxy.client().bind(V4, 0)) {
            assertEquals(0, b.first().reply(), b.toString());
            try (Socket wrong = connectFrom(InetAddress.getByName("127.0.0.2"), b.listenAddress())) {
                assertEquals(-1, wrong.getInputStream().read(), "the wrong peer is closed at once");
            }
            try (Socket peer = connectFrom(V4, b.listenAddress())) {
                assertEquals(0, b.awaitPeer(T).reply());
                send(peer, "ok");
                assertEquals("ok", read(b.socket(), 2));
            }
        }
    }

    @Test
    void repliesTtlExpiredWhenNoPeerComesWithinTheBindTimeout() throws Exception {
        try (Socks5Bind b = proxy.client().bind(V4, 0)) {
            assertEquals(0, b.first().reply(), b.toString());
            Socks5Result second = b.awaitPeer(T);
            assertEquals(Socks5Frames.REP_TTL_EXPIRED, second.reply());
            assertStopsListening(b.listenAddress());
        }
    }

    @Test
    void closesTheListenerWhenTheClientCloses() throws Exception {
        InetSocketAddress listen;
        try (Socks5Bind b = proxy.client().bind(V4, 0)) {
            assertEquals(0, b.first().reply(), b.toString());
            listen = b.listenAddress();
        }
        assertStopsListening(listen);
    }

    @Test
    void endsTheBindWhenTheClientHalfClosesWhileWaiting() throws Exception {
        try (Socks5Bind b = proxy.client().bind(V4, 0)) {
            assertEquals(0, b.first().reply(), b.toString());
            b.socket().shutdownOutput();
            assertEquals(-1, b.socket().getInputStream().read(), "the proxy closes the control connection");
            assertStopsListening(b.listenAddress());
        }
    }

    @Test
    void refusesABindTheRulesetDenies() throws Exception {
        try (Socks5Bind b = proxy.client().bind(V4, 25)) {
            assertEquals(Socks5Frames.REP_NOT_ALLOWED, b.first().reply());
        }
    }

    @Test
    void writesAnAccessLogLineWithTheRequestedDestination() throws Exception {
        try (Socks5Bind b = proxy.client().bind(V4, 2121)) {
            try (Socket peer = connectFrom(V4, b.listenAddress())) {
                assertEquals(0, b.awaitPeer(T).reply());
                send(peer, "12345");
                assertEquals("12345", read(b.socket(), 5));
            }
        }
        AccessLog.Entry e = proxy.awaitSession(x -> x.destinationPort() == 2121, T);
        assertEquals("127.0.0.1", e.destination());
        assertEquals(0, e.replyCode());
        assertEquals(5, e.bytes());
        assertEquals(null, e.udp());
        assertEquals("A", AccessLog.format(e).split("\t")[2]);
    }
}
