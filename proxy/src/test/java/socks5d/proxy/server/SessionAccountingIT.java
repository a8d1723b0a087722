package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Metrics;
import socks5d.proxy.Loopback;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * The counters (docs/operations.md, Metrics) and the access log (docs/protocols/socks5.md) after a
 * known set of sessions: exact values, computed from the RFC frame sizes, on a server used by this
 * test alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionAccountingIT {
    /** Greeting 05 02 00 02, selection 05 02, user/pass admin:secret (1+1+5+1+6), status 01 00, IPv4 request and reply. */
    private static final int HANDSHAKE = 4 + 2 + 14 + 2 + 10 + 10;
    private static final int PAYLOAD = 3000;

    @Test
    void countsEverySessionAndByteExactly() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (EchoServer echo = EchoServer.start(lo); ProxyHarness proxy = ProxyHarness.start("")) {
            for (int i = 0; i < 5; i++) {
                try (Socks5Result r = proxy.client().connect(lo, echo.port())) {
                    assertEquals(0, r.reply());
                    ProxyHarness.assertEchoes(r.socket(), "x".repeat(PAYLOAD));
                }
            }
            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                closed = s.getLocalPort();
            }
            try (Socks5Result r = proxy.client().connect(lo, closed)) {
                assertEquals(5, r.reply());
            }
            try (Socks5Result r = Socks5Client.to(proxy.socks()).withAuth(ProxyHarness.USER, "wrong").connect(lo, echo.port())) {
                assertEquals(1, r.authStatus());
            } catch (IOException expectedClose) {
                // The server closes after the failure status; the client may see the close first.
            }

            Metrics.Snapshot m = settled(proxy, 7);
            assertEquals(7, m.connectionAttempts());
            assertEquals(7, m.historicConnections());
            assertEquals(0, m.currentConnections());
            // Sessions ran one after another, but closing ones may still be counted when the next opens;
            // SocksServerIT.limitsConcurrentClientsAndCountsRefusals checks the maximum exactly.
            assertTrue(m.maxConcurrentConnections() >= 1 && m.maxConcurrentConnections() <= 7);
            assertEquals(5, m.successfulConnections());
            assertEquals(2, m.failedConnections());
            assertEquals(7, m.authAttempts());
            assertEquals(1, m.authFailures());
            assertEquals(5L * 2 * PAYLOAD, m.bytesProxied());
            assertEquals(0, m.currentBytesProxied());
            // Every session gave back what it held of the relay memory budget, and its relayed place.
            assertEquals(0, proxy.bindings().relayMemory().held());
            assertEquals(0, proxy.bindings().relayMemory().sessions());
            long clientBytes = 5L * (HANDSHAKE + 2 * PAYLOAD) + HANDSHAKE + (4 + 2 + 13 + 2);
            assertEquals(clientBytes, m.clientBytes());
            assertEquals(clientBytes + 5L * 2 * PAYLOAD, m.bytesTransferred());
            assertTrue(m.avgReadSize() > 0 && m.avgReadSize() <= PAYLOAD, "avg read " + m.avgReadSize());
            assertTrue(m.avgWriteSize() > 0 && m.avgWriteSize() <= PAYLOAD, "avg write " + m.avgWriteSize());

            // Each loop sends its log entries before its counters (Accounting.run), so once the counters
            // have settled the log holds every session.
            List<AccessLog.Entry> log = proxy.recentSessions(10);
            assertEquals(7, log.size(), "entries " + log);
            // Newest first by the end of each session on the proxy; the last echo session may end there
            // after the quick refusals that followed it, so the entries are found by what they are.
            AccessLog.Entry authFailure = only(log, e -> !e.authenticated());
            assertNull(authFailure.user());
            assertEquals(false, authFailure.authenticated());
            AccessLog.Entry refused = only(log, e -> e.replyCode() == 5);
            assertEquals("admin", refused.user());
            assertEquals("127.0.0.1", refused.destination());
            assertEquals(closed, refused.destinationPort());
            assertEquals(5, refused.replyCode());
            assertEquals(0, refused.bytes());
            assertEquals(5, log.stream().filter(e -> e.replyCode() == 0).count());
            AccessLog.Entry ok = log.stream().filter(e -> e.replyCode() == 0).findFirst().orElseThrow();
            assertEquals(0, ok.replyCode());
            assertEquals(2L * PAYLOAD, ok.bytes());
            assertEquals(echo.port(), ok.destinationPort());
            assertEquals("127.0.0.1", ok.clientAddress());
            assertTrue(ok.authenticated());
        }
    }

    @Test
    void aSessionIsSuccessfulWhenItGetsReplyZeroNotOnlyWhenItEnds() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (EchoServer echo = EchoServer.start(lo); ProxyHarness proxy = ProxyHarness.start("")) {
            try (Socks5Result open = proxy.client().connect(lo, echo.port())) {
                assertEquals(0, open.reply());
                ProxyHarness.assertEchoes(open.socket(), "still open");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                Metrics.Snapshot m = proxy.metrics();
                while (m.successfulConnections() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    m = proxy.metrics();
                }
                assertEquals(1, m.successfulConnections(), "counted while the session is open");
                assertEquals(1, m.currentConnections());
                assertEquals(0, m.failedConnections());
            }
            Metrics.Snapshot m = settled(proxy, 1);
            assertEquals(1, m.successfulConnections(), "not counted again at its end");
            assertEquals(0, m.failedConnections());
            assertEquals(0, m.currentConnections());
        }
    }

    @Test
    void ipv6AddressesAreLoggedAsRfc5952Text() throws Exception {
        try (EchoServer echo = EchoServer.start(Loopback.V6);
             ProxyHarness proxy = ProxyHarness.start("socks5d.proxy.listen-address = \"::1\"")) {
            try (Socks5Result r = proxy.client().connect(Loopback.V6, echo.port())) {
                assertEquals(0, r.reply());
                ProxyHarness.assertEchoes(r.socket(), "over IPv6");
            }
            settled(proxy, 1);
            AccessLog.Entry e = proxy.recentSessions(1).get(0);
            assertEquals("::1", e.destination(), "ATYP 04 ::1, not 0:0:0:0:0:0:0:1");
            assertEquals("::1", e.clientAddress());
        }
    }

    private static AccessLog.Entry only(List<AccessLog.Entry> log, java.util.function.Predicate<AccessLog.Entry> which) {
        List<AccessLog.Entry> found = log.stream().filter(which).toList();
        assertEquals(1, found.size(), "entries " + log);
        return found.get(0);
    }

    private static Metrics.Snapshot settled(ProxyHarness proxy, long sessions) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Metrics.Snapshot m = proxy.metrics();
        while (System.nanoTime() < deadline
                && (m.currentConnections() != 0 || m.successfulConnections() + m.failedConnections() != sessions)) {
            Thread.onSpinWait();
            m = proxy.metrics();
        }
        return m;
    }
}
