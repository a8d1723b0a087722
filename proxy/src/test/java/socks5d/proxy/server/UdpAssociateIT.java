package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.proxy.Loopback.V4;
import static socks5d.proxy.Loopback.V6;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Metrics;
import socks5d.proxy.ProxyHarness;
import socks5d.proxy.Started;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Datagram;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.client.UdpAssociation;
import socks5d.testkit.dns.DnsCodec;
import socks5d.testkit.dns.LoopbackDnsServer;
import socks5d.testkit.target.UdpEchoServer;

/**
 * RFC 1928 §7 UDP ASSOCIATE through a running socks5d over loopback (docs/protocols/socks5.md, UDP
 * ASSOCIATE): echo over IPv4 and IPv6, by address and by name, a DNS query, the datagrams that are
 * dropped (foreign sender, fragment, oversized), the association's life tied to its control
 * connection, its limits, and its access-log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UdpAssociateIT {
    private static final Duration T = Duration.ofSeconds(5);
    /** How long a test waits for a datagram that must not come. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private final Started started = new Started();
    private LoopbackDnsServer dns;
    private UdpEchoServer echo4;
    private UdpEchoServer echo6;
    private ProxyHarness proxy;

    @BeforeAll
    void start() {
        echo6 = started.add(UdpEchoServer.start(V6));
        echo4 = started.add(UdpEchoServer.start(V4));
        dns = started.add(LoopbackDnsServer.builder().record("v4.test", V4).record("v6.test", V6).start());
        proxy = started.add(ProxyHarness.start(dns.socks5dConfig()));
    }

    @AfterAll
    void stop() {
        started.close();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertEchoedBy(UdpEchoServer echo, UdpAssociation a, String payload) throws IOException {
        a.send(echo.socketAddress(), text(payload));
        Socks5Datagram d = a.receive(T);
        assertEquals(0, d.fragment());
        assertEquals(echo.address(), d.address(), "the header names the answer's sender");
        assertEquals(echo.port(), d.port());
        assertArrayEquals(text(payload), d.data());
        assertEquals(a.relay(), d.source(), "answers come from the announced relay socket");
    }

    private static void assertNothingArrives(UdpAssociation a) {
        assertThrows(SocketTimeoutException.class, () -> a.receive(QUIET));
    }

    @Test
    void echoesOverIpv4AndAnnouncesTheAddressTheClientReached() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate()) {
            assertTrue(a.succeeded(), a.toString());
            assertEquals(V4, a.control().boundAddress());
            assertNotEquals(0, a.control().boundPort());
            assertEchoedBy(echo4, a, "hello over UDP");
            assertEchoedBy(echo4, a, "and again");
        }
    }

    @Test
    void echoesToAnIpv6DestinationFromAnIpv4Client() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate()) {
            assertEchoedBy(echo6, a, "to ::1");
        }
    }

    @Test
    void echoesToADestinationGivenByName() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate()) {
            a.send("v4.test", echo4.port(), text("by name"));
            Socks5Datagram d = a.receive(T);
            assertEquals(Socks5Frames.ATYP_IPV4, d.addressType(), "answers name the sender's address");
            assertEquals(V4, d.address());
            assertArrayEquals(text("by name"), d.data());
        }
    }

    @Test
    void acceptsAnyPortOfTheControlAddressWhenTheRequestIsAllZero() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
            assertTrue(a.succeeded(), a.toString());
            assertEchoedBy(echo4, a, "undeclared source");
        }
    }

    @Test
    void carriesADnsQueryToTheLoopbackDnsServer() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate()) {
            a.send(dns.socketAddress(), DnsCodec.encodeQuery(0x1234, "v6.test", DnsCodec.TYPE_AAAA));
            Socks5Datagram d = a.receive(T);
            DnsCodec.Response r = DnsCodec.decodeResponse(d.data(), d.data().length);
            assertEquals(0x1234, r.id());
            assertEquals(DnsCodec.RCODE_NOERROR, r.rcode());
            assertEquals(java.util.List.of(V6), r.addresses());
        }
    }

    @Test
    void dropsDatagramsFromAForeignSender() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate();
             DatagramSocket foreign = new DatagramSocket(new InetSocketAddress(V4, 0))) {
            long before = echo4.receivedCount();
            byte[] d = Socks5Frames.udpDatagram(echo4.socketAddress(), text("not the client"));
            foreign.send(new DatagramPacket(d, d.length, a.relay()));
            foreign.setSoTimeout((int) QUIET.toMillis());
            assertThrows(SocketTimeoutException.class, () -> foreign.receive(new DatagramPacket(new byte[100], 100)));
            assertEchoedBy(echo4, a, "the client still works");
            assertEquals(before + 1, echo4.receivedCount(), "only the client's datagram reached the target");
        }
    }

    @Test
    void dropsFragmentsAndMalformedDatagrams() throws IOException {
        try (UdpAssociation a = proxy.client().udpAssociate()) {
            long before = echo4.receivedCount();
            byte[] addr = V4.getAddress();
            a.sendRaw(Socks5Frames.udpDatagram(1, Socks5Frames.ATYP_IPV4, addr, echo4.port(), text("frag 1")));
            a.sendRaw(Socks5Frames.udpDatagram(0x81, Socks5Frames.ATYP_IPV4, addr, echo4.port(), text("last frag")));
            a.sendRaw(new byte[] {0, 1, 0, 1, 127, 0, 0, 1, 0, 7}); // RSV is not 0
            a.sendRaw(new byte[] {0, 0, 0, 9, 1, 2});               // unknown ATYP
            assertNothingArrives(a);
            assertEchoedBy(echo4, a, "whole");
            assertEquals(before + 1, echo4.receivedCount());
        }
    }

    @Test
    void endsTheAssociationWithItsControlConnection() throws Exception {
        UdpAssociation a = proxy.client().udpAssociate();
        assertEchoedBy(echo4, a, "before close");
        InetSocketAddress relay = a.relay();
        int controlPort = a.controlSocket().getLocalPort();
        int udpPort = a.localAddress().getPort();
        a.controlSocket().close();
        AccessLog.Entry e = proxy.awaitSession(x -> x.udp() != null && x.clientPort() == controlPort, T);
        assertEquals(new AccessLog.Udp(1, 12, 1, 12), e.udp());
        String[] line = AccessLog.format(e).split("\t");
        assertEquals("A", line[2]);
        // DST.ADDR and DST.PORT as the request declared them (the client's UDP socket), reply 0, DATA bytes both ways
        assertEquals("127.0.0.1\t" + udpPort + "\t0\t24", String.join("\t", line[5], line[6], line[7], line[8]));
        // The relay socket is closed: a datagram to it draws an ICMP port unreachable.
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(V4, 0))) {
            probe.connect(relay);
            probe.setSoTimeout((int) T.toMillis());
            byte[] d = Socks5Frames.udpDatagram(echo4.socketAddress(), text("after close"));
            probe.send(new DatagramPacket(d, d.length));
            assertThrows(PortUnreachableException.class, () -> probe.receive(new DatagramPacket(new byte[100], 100)));
        }
        a.close();
    }

    @Test
    void echoesForAClientOverIpv6() throws IOException {
        try (ProxyHarness p6 = ProxyHarness.start("socks5d.proxy.listen-address = \"::1\"\n");
             UdpAssociation a = Socks5Client.to(p6.socks()).withAuth(ProxyHarness.USER, ProxyHarness.PASSWORD)
                     .udpAssociate()) {
            assertTrue(a.succeeded(), a.toString());
            assertEquals(V6, a.control().boundAddress());
            assertEchoedBy(echo6, a, "IPv6 all the way");
            assertEchoedBy(echo4, a, "IPv6 client, IPv4 target");
        }
    }

    @Test
    void appliesTheRulesetAndTheOwnListenerProtectionToEveryDatagram() throws Exception {
        // A UDP echo on the port number of the MCP listener (TCP): a datagram to it through the proxy is
        // a datagram to one of the server's own listener ports on a local address, and must not arrive.
        try (UdpEchoServer own = UdpEchoServer.start(V4); UdpEchoServer denied = UdpEchoServer.start(V4);
             ProxyHarness ruled = ProxyHarness.start(String.join("\n",
                     "socks5d.management.mcp.port = " + own.port(),
                     "socks5d.proxy.rules.list = [ { action = deny, ports = [" + denied.port() + "] } ]"));
             UdpAssociation a = Socks5Client.to(ruled.socks()).withAuth(ProxyHarness.USER, ProxyHarness.PASSWORD)
                     .udpAssociate()) {
            assertTrue(a.succeeded(), a.toString());
            a.send(own.socketAddress(), text("to the MCP port"));
            assertNothingArrives(a);
            a.send(denied.socketAddress(), text("to a denied port"));
            assertNothingArrives(a);
            assertEquals(0, own.receivedCount(), "the own-listener port got nothing");
            assertEquals(0, denied.receivedCount(), "the denied port got nothing");
            assertEchoedBy(echo4, a, "an allowed destination in the same association");
        }
    }

    @Test
    void refusesAssociationsBeyondTheMaximumAndClosesIdleOnes() throws Exception {
        try (ProxyHarness limited = ProxyHarness.start(String.join("\n",
                "socks5d.proxy.udp.max-associations = 1",
                "socks5d.proxy.udp.idle-timeout = 600ms",
                "socks5d.proxy.udp.max-datagram = 100 bytes"))) {
            Socks5Client client = Socks5Client.to(limited.socks()).withAuth(ProxyHarness.USER, ProxyHarness.PASSWORD);
            try (UdpAssociation first = client.udpAssociate()) {
                assertTrue(first.succeeded(), first.toString());
                try (UdpAssociation second = client.udpAssociate()) {
                    assertEquals(Socks5Frames.REP_GENERAL_FAILURE, second.control().reply());
                }
                first.send(echo4.socketAddress(), new byte[200]);
                assertNothingArrives(first);
                assertEchoedBy(echo4, first, "small enough");
                // Idle for the idle timeout: the proxy closes the control connection.
                first.controlSocket().setSoTimeout((int) T.toMillis());
                assertEquals(-1, first.controlSocket().getInputStream().read());
            }
            limited.awaitSession(x -> x.udp() != null, T);
            try (UdpAssociation again = client.udpAssociate()) {
                assertTrue(again.succeeded(), "the place was given back: " + again);
            }
            // Each association is one session in the metrics: two succeeded, the refused one failed.
            limited.awaitSession(x -> x.udp() == null && x.replyCode() == Socks5Frames.REP_GENERAL_FAILURE, T);
            long deadline = System.nanoTime() + T.toNanos();
            while (limited.metrics().successfulConnections() + limited.metrics().failedConnections() < 3) {
                assertTrue(System.nanoTime() < deadline, "sessions not counted: " + limited.metrics());
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertEquals(2, limited.metrics().successfulConnections());
            assertEquals(1, limited.metrics().failedConnections());
            // The first association: one oversized datagram dropped, one echoed (a datagram each way).
            while (limited.metrics().udpAssociations() < 1) {
                assertTrue(System.nanoTime() < deadline, "association not counted: " + limited.metrics());
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            Metrics.Snapshot m = limited.metrics();
            assertTrue(m.udpAssociations() >= 1, m.toString());
            assertTrue(m.udpDatagrams() >= 2, m.toString());
            assertTrue(m.udpBytes() >= 2L * "small enough".length(), m.toString());
            assertTrue(m.udpDropped() >= 1, m.toString());
        }
    }
}
