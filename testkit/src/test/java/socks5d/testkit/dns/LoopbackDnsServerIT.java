package socks5d.testkit.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;

import org.apache.pekko.io.Dns;
import org.junit.jupiter.api.Test;


class LoopbackDnsServerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static LoopbackDnsServer server() {
        return LoopbackDnsServer.builder()
                .record("dual.test", "::1", "127.0.0.1")
                .record("v4.test", "127.0.0.2")
                .start();
    }

    private static DnsCodec.Response udp(LoopbackDnsServer dns, int id, String name, int type) throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(dns.socketAddress());
            ch.write(ByteBuffer.wrap(DnsCodec.encodeQuery(id, name, type)));
            ch.configureBlocking(true);
            ch.socket().setSoTimeout((int) TIMEOUT.toMillis());
            byte[] buf = new byte[DnsCodec.MAX_UDP_SIZE];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            ch.socket().receive(p);
            return DnsCodec.decodeResponse(buf, p.getLength());
        }
    }

    @Test
    void answersAAndAaaaOverUdp() throws Exception {
        try (LoopbackDnsServer dns = server()) {
            DnsCodec.Response a = udp(dns, 11, "dual.test", DnsCodec.TYPE_A);
            assertEquals(11, a.id());
            assertEquals(DnsCodec.RCODE_NOERROR, a.rcode());
            assertTrue(a.authoritative());
            assertEquals(List.of(InetAddress.getByName("127.0.0.1")), a.addresses());
            assertEquals(LoopbackDnsServer.DEFAULT_TTL_SECONDS, a.answers().get(0).ttl());
            assertEquals("dual.test", a.answers().get(0).name());

            DnsCodec.Response aaaa = udp(dns, 12, "DUAL.test", DnsCodec.TYPE_AAAA);
            assertEquals(List.of(InetAddress.getByName("::1")), aaaa.addresses());
            assertEquals(2, dns.queryCount());
        }
    }

    @Test
    void answersNxdomainForUnknownAndNoDataForMissingType() throws Exception {
        try (LoopbackDnsServer dns = server()) {
            DnsCodec.Response nx = udp(dns, 1, "nx.test", DnsCodec.TYPE_A);
            assertEquals(DnsCodec.RCODE_NXDOMAIN, nx.rcode());
            assertEquals(List.of(), nx.answers());
            assertEquals("nx.test", nx.questionName());

            DnsCodec.Response noData = udp(dns, 2, "v4.test", DnsCodec.TYPE_AAAA);
            assertEquals(DnsCodec.RCODE_NOERROR, noData.rcode());
            assertEquals(List.of(), noData.answers());
        }
    }

    @Test
    void truncatedUdpAnswerIsCompleteOverTcp() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.builder().record("dual.test", "127.0.0.1").truncateUdp(true)
                .start()) {
            DnsCodec.Response truncated = udp(dns, 3, "dual.test", DnsCodec.TYPE_A);
            assertTrue(truncated.truncated());
            assertEquals(List.of(), truncated.answers());

            try (Socket s = new Socket()) {
                s.connect(dns.socketAddress(), (int) TIMEOUT.toMillis());
                s.setSoTimeout((int) TIMEOUT.toMillis());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                DataInputStream in = new DataInputStream(s.getInputStream());
                for (int id = 4; id <= 5; id++) {
                    byte[] q = DnsCodec.encodeQuery(id, "dual.test", DnsCodec.TYPE_A);
                    out.writeShort(q.length);
                    out.write(q);
                    byte[] r = new byte[in.readUnsignedShort()];
                    in.readFully(r);
                    DnsCodec.Response full = DnsCodec.decodeResponse(r, r.length);
                    assertEquals(id, full.id());
                    assertFalse(full.truncated());
                    assertEquals(List.of(InetAddress.getByName("127.0.0.1")), full.addresses());
                }
            }
            assertEquals(LoopbackDnsServer.Transport.TCP, dns.queries().get(2).transport());
        }
    }

    @Test
    void namesAddedLaterAreAnswered() throws Exception {
        try (LoopbackDnsServer dns = server()) {
            dns.add("late.test", InetAddress.getByName("127.0.0.9"));
            assertEquals(List.of(InetAddress.getByName("127.0.0.9")),
                    udp(dns, 1, "late.test", DnsCodec.TYPE_A).addresses());
            dns.remove("late.test");
            assertEquals(DnsCodec.RCODE_NXDOMAIN, udp(dns, 2, "late.test", DnsCodec.TYPE_A).rcode());
        }
    }


    @Test
    void nameserverIsReadyForPekkoConfig() {
        try (LoopbackDnsServer dns = server()) {
            assertEquals("127.0.0.1:" + dns.port(), dns.nameserver());
            assertEquals(new InetSocketAddress("127.0.0.1", dns.port()), dns.socketAddress());
        }
    }
}
