package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    }

    @Test
    void parsesScenariosScaleVariantsAndPeers() {
        BenchmarkOptions o = BenchmarkOptions.parse(new String[] {
                "--scenarios", "t1,C", "--scale", "0.1", "--variants", "auth+dissect,noauth-nodissect",
                "--peer", "microsocks=/usr/bin/microsocks", "--proxy-jar", "p.jar", "--jvm-flags", " -Xmx1g  -Xss256k ",
                "--proxy-config", "socks5d.proxy.max-clients=12000"});
        assertEquals(Set.of(Scenario.T1, Scenario.C), o.scenarios());
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
    void rejectsBadInputWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--scale", "0"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--scenarios", "X"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(new String[] {"--out"}));
    }
}
