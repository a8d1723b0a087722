package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void defaultsAreTheFullIssueSizes() {
        BenchmarkOptions o = BenchmarkOptions.defaults();
        assertEquals(2L << 30, o.t1Bytes());
        assertEquals(512L << 20, o.t8BytesEach());
        assertEquals(20_000, o.transactions());
        assertEquals(9_000, o.heldConnections());
        assertEquals(Duration.ofSeconds(10), o.hold());
        assertEquals(64, o.concurrency());
        assertEquals(4, o.variants().size());
        assertEquals(24, o.warmupRounds());
        assertEquals(2_500, o.warmup());
        assertEquals(256L << 20, o.downloadWarmupBytes());
    }

    @Test
    void warmupRoundsAreAtLeastOne() {
        assertEquals(1, BenchmarkOptions.parse(new String[] {"--warmup-rounds", "1"}).warmupRounds());
        assertEquals(250, BenchmarkOptions.parse(new String[] {"--scale", "0.1"}).warmup());
        assertThrows(IllegalArgumentException.class,
                () -> BenchmarkOptions.parse(new String[] {"--warmup-rounds", "0"}));
    }

    @Test
    void parsesScenariosScaleVariantsAndPeers() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {
                "--scenarios", "t1,C", "--scale", "0.1", "--variants", "auth+dissect,noauth-nodissect",
                "--peer", "microsocks=/usr/bin/microsocks", "--proxy-jar", "p.jar", "--jvm-flags", " -Xmx1g  -Xss256k ",
                "--proxy-config", "socks5d.proxy.max-clients=12000", "--pekko-relay"});
        assertEquals(Set.of(Scenario.T1, Scenario.C), o.scenarios());
        assertTrue(o.pekkoRelay());
        assertFalse(BenchmarkOptions.defaults().pekkoRelay());
        assertEquals(2_000, o.transactions());
        assertEquals(900, o.heldConnections());
        assertEquals(List.of(BenchmarkOptions.Variant.AUTH_DISSECT, BenchmarkOptions.Variant.NOAUTH_NODISSECT),
                o.variants());
        assertEquals(Map.of("microsocks", "/usr/bin/microsocks"), o.peers());
        assertEquals(Path.of("p.jar"), o.proxyJar());
        assertEquals(List.of("-Xmx1g", "-Xss256k"), o.jvmFlags());
        assertEquals(Map.of("socks5d.proxy.max-clients", "12000"), o.proxyConfig());
    }

    @Test
    void theLimitsVariantAddsTheLimitsToItsOwnProcessOnly() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {
                "--proxy-config", "socks5d.proxy.max-clients=12000", "--variants", "auth+dissect,auth+dissect+limits"});
        assertEquals(List.of(BenchmarkOptions.Variant.AUTH_DISSECT, BenchmarkOptions.Variant.AUTH_DISSECT_LIMITS),
                o.variants());
        assertEquals(Map.of("socks5d.proxy.max-clients", "12000"), o.variants().get(0).config(o.proxyConfig()));
        Map<String, String> limited = o.variants().get(1).config(o.proxyConfig());
        assertEquals("12000", limited.get("socks5d.proxy.max-clients"));
        assertEquals("100000000000", limited.get("socks5d.proxy.limits.per-user.bandwidth"));
        assertTrue(o.variants().get(1).auth() && o.variants().get(1).dissectors());
    }

    @Test
    void limitsSetsEveryLimitHighAlongsideOtherProxyConfig() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {
                "--proxy-config", "socks5d.proxy.max-clients=12000", "--limits"});
        assertEquals("12000", o.proxyConfig().get("socks5d.proxy.max-clients"));
        assertEquals("off", o.proxyConfig().get("socks5d.proxy.limits.per-address.exempt-loopback"));
        assertEquals("100000000000", o.proxyConfig().get("socks5d.proxy.limits.per-user.bandwidth"));
        assertTrue(BenchmarkOptions.defaults().proxyConfig().isEmpty());
        assertTrue(BenchmarkOptions.USAGE.contains("--limits"), BenchmarkOptions.USAGE);
    }

    @Test
    void passesAreOneToNineAndPeersKeepTheirOrder() {
        assertEquals(1, BenchmarkOptions.defaults().passes());
        assertEquals(3, BenchmarkOptions.parse(new String[] {"--passes", "3"}).passes());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--passes", "0"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--passes", "10"}));
        assertTrue(BenchmarkOptions.USAGE.contains("--passes N"), BenchmarkOptions.USAGE);
        assertTrue(BenchmarkOptions.parse(new String[] {"--interleave", "--scenarios", "T1,T8,C"}).interleave());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--interleave"}));
        assertThrows(IllegalArgumentException.class,
                () -> BenchmarkOptions.parse(new String[] {"--interleave", "--scenarios", "C,H"}));
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {"--peer", "z=/bin/z", "--peer", "a=/bin/a",
                "--peer", "m=/bin/m"});
        assertEquals(List.of("z", "a", "m"), List.copyOf(o.peers().keySet()));
    }

    @Test
    void parsesThreeProxyPeersByName() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {
                "--peer", "3proxy=/opt/3proxy/bin/3proxy", "--peer", "3proxy-noauth = /opt/3proxy/bin/3proxy",
                "--peer", "microsocks=/usr/bin/microsocks"});
        assertEquals(Map.of("3proxy", "/opt/3proxy/bin/3proxy", "3proxy-noauth", "/opt/3proxy/bin/3proxy",
                "microsocks", "/usr/bin/microsocks"), o.peers());
        // the names ProxyProcess.peer knows as 3proxy with and without authentication
        assertTrue(o.peers().containsKey(ProxyProcess.THREE_PROXY));
        assertTrue(o.peers().containsKey(ProxyProcess.THREE_PROXY_NO_AUTH_PEER));
        assertTrue(BenchmarkOptions.USAGE.contains("3proxy=PATH/bin/3proxy"), BenchmarkOptions.USAGE);
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--peer", "3proxy"}));
    }

    @Test
    void pekkoRelayRoutesAreListenPortEqualsTarget() {
        var routes = PekkoRelay.parse(new String[] {"4100=127.0.0.1:80", "4101=::1:8080"});
        assertEquals(80, routes.get(4100).getPort());
        assertEquals("127.0.0.1", routes.get(4100).getAddress().getHostAddress());
        assertEquals(8080, routes.get(4101).getPort());
        assertThrows(IllegalArgumentException.class, () -> PekkoRelay.parse(new String[0]));
        assertThrows(IllegalArgumentException.class, () -> PekkoRelay.parse(new String[] {"4100:80"}));
        assertThrows(IllegalArgumentException.class, () -> PekkoRelay.parse(new String[] {"4100=host:"}));
    }

    @Test
    void rejectsBadInputWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--scale", "0"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--scenarios", "X"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--out"}));
    }
}
