package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class BenchmarkTest {

    @Test
    void peersThatAreNotInstalledAreSkipped() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        assertEquals(Optional.empty(), Benchmark.missingExecutable(java + " -version"));
        assertEquals(Optional.of("/nonexistent/microsocks"), Benchmark.missingExecutable("/nonexistent/microsocks"));
        assertEquals(Optional.of("no-such-proxy-xyz"), Benchmark.missingExecutable("no-such-proxy-xyz -p {port}"));
    }
}
