package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark end to end at a tiny scale: direct only, and through a minimal peer proxy. */
class BenchmarkIT {

    @Test
    @Timeout(60)
    void runsEveryScenarioDirectAtTinyScale(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        BenchmarkOptions options = BenchmarkOptions.parse(new String[] {
                "--scale", "0.001", "--concurrency", "4", "--verify", "--out", json.toString()});
        Benchmark bench = new Benchmark(options, new PrintStream(console, true, StandardCharsets.UTF_8));
        bench.run();

        List<Result> results = bench.results();
        assertEquals(List.of(Scenario.T1, Scenario.T8, Scenario.C, Scenario.H, Scenario.U),
                results.stream().map(Result::scenario).toList());
        for (Result r : results) {
            assertEquals("direct", r.target());
            assertEquals(0, r.errors(), r.toString());
            assertTrue(r.headlineValue() > 0, r.toString());
        }
        assertEquals(options.t1Bytes(), results.get(0).metrics().get("bytes"));
        assertEquals(0L, results.get(0).metrics().get("corruptStreams"));
        assertEquals(options.heldConnections(), results.get(3).metrics().get("survived"));
        assertEquals((long) options.udpDatagrams(), results.get(4).metrics().get("received"), "every UDP echo came back");
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Load generator:"), out);
        String written = Files.readString(json);
        assertTrue(written.contains("\"scenario\": \"T1\""), written);
        assertTrue(written.contains("\"loadGenerator\""), written);
    }

    @Test
    @Timeout(120)
    void measuresAPeerProxyAgainstDirect(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String peer = "mini=" + java + " -Xmx64m -XX:TieredStopAtLevel=1 -cp " + System.getProperty("java.class.path")
                + " " + MiniSocksPeer.class.getName() + " {port} {user} {pass}";
        Path json = dir.resolve("bench.json");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        BenchmarkOptions options = BenchmarkOptions.parse(new String[] {
                "--scenarios", "T1,C,H", "--scale", "0.001", "--concurrency", "4", "--peer", peer,
                "--out", json.toString()});
        Benchmark bench = new Benchmark(options, new PrintStream(console, true, StandardCharsets.UTF_8));
        Report report = bench.run();

        String out = console.toString(StandardCharsets.UTF_8);
        List<Result> viaPeer = bench.results().stream().filter(r -> r.target().equals("mini")).toList();
        assertEquals(3, viaPeer.size(), out);
        for (Result r : viaPeer) {
            assertEquals(0, r.errors(), r + "\n" + out);
            assertTrue(report.ratio(r).isPresent(), r.toString());
        }
        Result held = viaPeer.get(2);
        assertEquals(options.heldConnections(), held.metrics().get("survived"));
        assertTrue(((Number) held.metrics().get("vmHwmMiB")).doubleValue() > 0, held.toString());
        // the peer's CPU beside T1 and C, none for direct; its memory at idle
        assertTrue(viaPeer.get(0).metrics().containsKey(CpuTime.CPU_SECONDS_PER_GB), viaPeer.get(0).toString());
        assertTrue(viaPeer.get(1).metrics().containsKey(CpuTime.CPU_MS_PER_TX), viaPeer.get(1).toString());
        assertTrue(bench.results().stream().filter(r -> r.target().equals("direct"))
                .noneMatch(r -> r.metrics().containsKey(CpuTime.CPU_SECONDS)), bench.results().toString());
        assertTrue(out.contains("idle mini "), out);
        assertTrue(out.contains("Load generator:"), out);
        String written = Files.readString(json);
        assertTrue(written.contains("\"target\": \"mini\""), written);
        assertTrue(written.contains("\"idleMemory\": {\n    \"mini\""), written);
    }

    @Test
    @Timeout(120)
    void measuresTheBarePekkoRelayAsAReference(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        BenchmarkOptions options = BenchmarkOptions.parse(new String[] {
                "--scenarios", "T1,C,H", "--scale", "0.001", "--concurrency", "4", "--pekko-relay",
                "--jvm-flags", "-Xmx128m", "--out", json.toString()});
        Benchmark bench = new Benchmark(options, new PrintStream(console, true, StandardCharsets.UTF_8));
        Report report = bench.run();

        String out = console.toString(StandardCharsets.UTF_8);
        List<Result> viaRelay = bench.results().stream().filter(r -> r.target().startsWith("pekko relay")).toList();
        assertEquals(3, viaRelay.size(), out);
        for (Result r : viaRelay) {
            assertEquals(0, r.errors(), r + "\n" + out);
            assertTrue(report.ratio(r).isPresent(), r.toString());
        }
        assertEquals(options.heldConnections(), viaRelay.get(2).metrics().get("survived"));
    }
}
