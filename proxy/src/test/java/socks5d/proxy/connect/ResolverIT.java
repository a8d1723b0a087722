package socks5d.proxy.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import socks5d.proxy.server.Transport;
import socks5d.testkit.dns.LoopbackDnsServer;

/**
 * {@link Resolver} against the testkit's loopback DNS server and a test hosts file: both address
 * families (IPv4 first), a name that does not exist, answers too large for UDP asked again over
 * TCP, and names found in the hosts file without any DNS query.
 */
final class ResolverIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void start() {
        group = Transport.choose("auto").newEventLoops(1);
        loop = group.next();
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Resolver resolver(LoopbackDnsServer dns, String hostsFile) {
        return new Resolver(group, Transport.choose("auto"), new Resolver.Settings(
                List.of(Resolver.nameserver(dns.nameserver())), hostsFile, TIMEOUT));
    }

    private static List<InetAddress> await(Future<List<InetAddress>> f) throws Exception {
        assertTrue(f.await(TIMEOUT.toMillis() * 2), "resolution ended in time");
        if (!f.isSuccess()) {
            throw (Exception) f.cause();
        }
        return f.getNow();
    }

    @ParameterizedTest(name = "truncateUdp={0}")
    @ValueSource(booleans = {false, true})
    void resolvesBothFamiliesIpv4FirstAndFallsBackToTcp(boolean truncateUdp) throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.builder()
                .record("dual.test", "::1", "127.0.0.1").truncateUdp(truncateUdp).start();
             Resolver resolver = resolver(dns, "")) {
            assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")),
                    await(resolver.resolve(loop, "dual.test")));
            assertEquals(truncateUdp, dns.queries().stream()
                    .anyMatch(q -> q.transport() == LoopbackDnsServer.Transport.TCP));
        }
    }

    @Test
    void failsWithUnknownHostForANameThatDoesNotExist() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.builder().start(); Resolver resolver = resolver(dns, "")) {
            Future<List<InetAddress>> f = resolver.resolve(loop, "nx.test");
            assertTrue(f.await(TIMEOUT.toMillis() * 2));
            assertInstanceOf(UnknownHostException.class, f.cause());
        }
    }

    @Test
    void answersFromTheHostsFileWithoutAskingDns(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.5 only-in-hosts.test\n::1 only-in-hosts.test\n");
        try (LoopbackDnsServer dns = LoopbackDnsServer.builder().start();
             Resolver resolver = resolver(dns, hosts.toString())) {
            assertEquals(List.of(InetAddress.getByName("127.0.0.5"), InetAddress.getByName("::1")),
                    await(resolver.resolve(loop, "ONLY-IN-HOSTS.test")));
            assertEquals(0, dns.queryCount());
        }
    }

    @Test
    void parsesLiteralsWithoutAskingDns() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.builder().start(); Resolver resolver = resolver(dns, "")) {
            assertEquals(List.of(InetAddress.getByName("::1")), await(resolver.resolve(loop, "[::1]")));
            assertEquals(0, dns.queryCount());
        }
    }
}
