package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BenchmarkTest {

    @Test
    void eachPassTurnsTheOrderOfTheProxiesByOne() {
        List<String> three = List.of("socks5d", "microsocks", "3proxy");
        assertEquals(three, Benchmark.turned(three, 0));
        assertEquals(List.of("microsocks", "3proxy", "socks5d"), Benchmark.turned(three, 1));
        assertEquals(List.of("3proxy", "socks5d", "microsocks"), Benchmark.turned(three, 2));
        assertEquals(three, Benchmark.turned(three, 3));
        assertEquals(List.of(), Benchmark.turned(List.of(), 2));
    }

    @Test
    void peersThatAreNotInstalledAreSkipped() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        assertEquals(Optional.empty(), Benchmark.missingExecutable(java + " -version"));
        assertEquals(Optional.of("/nonexistent/microsocks"), Benchmark.missingExecutable("/nonexistent/microsocks"));
        assertEquals(Optional.of("no-such-proxy-xyz"), Benchmark.missingExecutable("no-such-proxy-xyz -p {port}"));
    }
}
