package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark end to end at a tiny scale: direct only, and through a minimal peer proxy. */
class BenchmarkIT {

    @Test
    @Timeout(60)
    void runsEveryScenarioDirectAtTinyScale(@TempDir Path dir) throws Exception {
        Run run = run(dir, "--scale", "0.001", "--concurrency", "4", "--verify");
        BenchmarkOptions options = run.options();

        List<Result> results = run.bench().results();
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
        String out = run.console();
        assertTrue(out.contains("Load generator:"), out);
        String written = run.json();
        assertTrue(written.contains("\"scenario\": \"T1\""), written);
        assertTrue(written.contains("\"loadGenerator\""), written);
    }

    @Test
    @Timeout(120)
    void measuresAPeerProxyAgainstDirect(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String peer = "mini=" + java + " -Xmx64m -XX:TieredStopAtLevel=1 -cp " + System.getProperty("java.class.path")
                + " " + MiniSocksPeer.class.getName() + " {port} {user} {pass}";
        Run run = run(dir, "--scenarios", "T1,C,H", "--scale", "0.001", "--concurrency", "4", "--peer", peer);
        Benchmark bench = run.bench();
        String out = run.console();
        List<Result> viaPeer = measuredThrough(run, "mini"::equals);
        Result held = viaPeer.get(2);
        assertEquals(run.options().heldConnections(), held.metrics().get("survived"));
        assertTrue(((Number) held.metrics().get("vmHwmMiB")).doubleValue() > 0, held.toString());
        // the peer's CPU beside T1 and C, none for direct; its memory at idle
        assertTrue(viaPeer.get(0).metrics().containsKey(CpuTime.CPU_SECONDS_PER_GB), viaPeer.get(0).toString());
        assertTrue(viaPeer.get(1).metrics().containsKey(CpuTime.CPU_MS_PER_TX), viaPeer.get(1).toString());
        // the warm-up's compiler shares, the compiler's CPU and the generator's own CPU beside C
        assertTrue(viaPeer.get(1).metrics().containsKey("warmupCompilerShare"), viaPeer.get(1).toString());
        assertTrue(viaPeer.get(1).metrics().containsKey(CpuTime.COMPILER_SECONDS), viaPeer.get(1).toString());
        assertTrue(((Number) viaPeer.get(1).metrics().get(TransactionLoad.GENERATOR_CPU_MS_PER_TX)).doubleValue() >= 0,
                viaPeer.get(1).toString());
        assertTrue(bench.results().stream().filter(r -> r.target().equals("direct"))
                .noneMatch(r -> r.metrics().containsKey(CpuTime.CPU_SECONDS)), bench.results().toString());
        assertTrue(out.contains("idle mini "), out);
        assertTrue(out.contains("Load generator:"), out);
        String written = run.json();
        assertTrue(written.contains("\"target\": \"mini\""), written);
        assertTrue(written.contains("\"idleMemory\": {\n    \"mini\""), written);
    }

    /**
     * Two passes of an interleaved T1 and C through two instances of a peer: every target is measured in
     * each pass (direct, a, b, then direct, b, a), in slices, and the table gives medians with each pass's
     * figure.
     */
    @Test
    @Timeout(180)
    void interleavesTargetsInSlicesAndFoldsPasses(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String mini = java + " -Xmx64m -XX:TieredStopAtLevel=1 -cp " + System.getProperty("java.class.path")
                + " " + MiniSocksPeer.class.getName() + " {port} {user} {pass}";
        Run run = run(dir, "--scenarios", "T1,C", "--scale", "0.01", "--concurrency", "4", "--warmup-rounds", "2",
                "--interleave", "--passes", "2", "--verify", "--peer", "a=" + mini, "--peer", "b=" + mini);
        List<Result> measured = run.bench().results();
        assertEquals(List.of("T1 direct", "T1 a", "T1 b", "C direct", "C a", "C b",
                        "T1 direct", "T1 b", "T1 a", "C direct", "C b", "C a"),
                measured.stream().map(r -> r.scenario() + " " + r.target()).toList(), run.console());
        for (Result r : measured) {
            assertEquals(0, r.errors(), r + "\n" + run.console());
            List<?> slices = (List<?>) r.metrics().get(Interleave.SLICE_RATES);
            assertEquals(Benchmark.SLICES, slices.size(), r.toString());
            assertTrue(r.metrics().containsKey(Interleave.MACHINE_IDLE_PERCENT) || !Files.exists(Path.of("/proc/stat")),
                    r.toString());
        }
        Result t1 = measured.get(1);
        assertEquals(0L, t1.metrics().get("corruptStreams"), t1.toString());
        assertTrue(t1.metrics().containsKey(CpuTime.CPU_SECONDS_PER_GB), t1.toString());
        Result c = measured.get(4);
        assertTrue(c.metrics().containsKey(CpuTime.CPU_MS_PER_TX), c.toString());
        assertTrue(((Number) c.metrics().get(Passes.MEDIAN_RATIO)).doubleValue() > 0, c.toString());
        String out = run.console();
        assertTrue(out.contains("=== pass 2 of 2"), out);
        assertTrue(out.contains("median of 2 passes: "), out);
        String written = run.json();
        assertTrue(written.contains("\"passResults\""), written);
        assertTrue(written.contains("\"sliceRates\""), written);
    }

    @Test
    @Timeout(120)
    void measuresTheBarePekkoRelayAsAReference(@TempDir Path dir) throws Exception {
        Run run = run(dir, "--scenarios", "T1,C,H", "--scale", "0.001", "--concurrency", "4", "--pekko-relay",
                "--jvm-flags", "-Xmx128m");
        List<Result> viaRelay = measuredThrough(run, target -> target.startsWith("pekko relay"));
        assertEquals(run.options().heldConnections(), viaRelay.get(2).metrics().get("survived"));
    }

    /**
     * The results of the targets {@code target} accepts, after checking that there are three (T1, C,
     * H), none with errors, each with a ratio to direct.
     */
    private static List<Result> measuredThrough(Run run, Predicate<String> target) {
        List<Result> via = run.bench().results().stream().filter(r -> target.test(r.target())).toList();
        assertEquals(3, via.size(), run.console());
        for (Result r : via) {
            assertEquals(0, r.errors(), r + "\n" + run.console());
            assertTrue(run.report().ratio(r).isPresent(), r.toString());
        }
        return via;
    }

    /** A finished benchmark run: its options, the benchmark, its report, what it printed and the JSON it wrote. */
    private record Run(BenchmarkOptions options, Benchmark bench, Report report, String console, String json) {
    }

    /** Runs the benchmark with {@code args} and {@code --out DIR/bench.json}. */
    private static Run run(Path dir, String... args) throws Exception {
        Path json = dir.resolve("bench.json");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", json.toString()));
        BenchmarkOptions options = BenchmarkOptions.parse(all.toArray(String[]::new));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Benchmark bench = new Benchmark(options, new PrintStream(console, true, StandardCharsets.UTF_8));
        Report report = bench.run();
        return new Run(options, bench, report, console.toString(StandardCharsets.UTF_8), Files.readString(json));
    }
}
