package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static Result t1(String target, double mbps) {
        return new Result(Scenario.T1, target, "MBps", Map.of("MBps", mbps, "streams", 1, "bytesEach", 1L << 30,
                "seconds", 1.0));
    }

    @Test
    void ratiosAreToDirect() {
        Report r = new Report(List.of(t1("direct", 2000), t1("p", 500)), Map.of());
        assertEquals(0.25, r.ratio(t1("p", 500)).orElseThrow(), 1e-9);
        assertEquals(4.0, r.directOverBestProxied().get(Scenario.T1), 1e-9);
        assertTrue(r.bottleneckVerdict().contains("NOT the bottleneck"), r.bottleneckVerdict());
    }

    @Test
    void warnsWhenDirectIsNotFarAbove() {
        Report r = new Report(List.of(t1("direct", 1000), t1("p", 900)), Map.of());
        assertTrue(r.bottleneckVerdict().contains("MAY BE"), r.bottleneckVerdict());
    }

    @Test
    void printsTheProxysCpuBesideEachFigureAndItsIdleMemory(@TempDir Path dir) throws Exception {
        Map<String, Object> t1 = new LinkedHashMap<>(Map.of("MBps", 500.0, "streams", 1, "bytesEach", 1L << 30,
                "seconds", 2.0, "bytes", 1_000_000_000L, CpuTime.CPU_SECONDS, 1.25));
        CpuTime.addPerUnit(Scenario.T1, t1);
        Map<String, Object> c = new LinkedHashMap<>(Map.of("txPerSec", 5000.0, "p50Ms", 1.0, "p99Ms", 9.0,
                "ok", 1000, CpuTime.CPU_SECONDS, 0.4));
        CpuTime.addPerUnit(Scenario.C, c);
        Map<String, Object> directC = Map.of("txPerSec", 10000.0, "p50Ms", 0.5, "p99Ms", 2.0, "ok", 1000);
        Report r = new Report(List.of(t1("direct", 2000), new Result(Scenario.T1, "3proxy", "MBps", t1),
                new Result(Scenario.C, "direct", "txPerSec", directC),
                new Result(Scenario.C, "3proxy", "txPerSec", c)), Map.of(),
                Map.of("3proxy", new ProxyProcess.Memory(5632, 5700)));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> table = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(table.get(1).endsWith("ratio to direct  proxy CPU"), table.get(1));
        String t1Row = table.stream().filter(l -> l.startsWith("T1   3proxy")).findFirst().orElseThrow();
        assertTrue(t1Row.endsWith(" 0.25             1.25 s/GB"), t1Row);
        String cRow = table.stream().filter(l -> l.startsWith("C    3proxy")).findFirst().orElseThrow();
        assertTrue(cRow.endsWith(" 0.50             0.400 ms/tx"), cRow);
        String directRow = table.stream().filter(l -> l.startsWith("C    direct")).findFirst().orElseThrow();
        assertTrue(directRow.endsWith(" -"), directRow);
        assertTrue(table.contains("idle 3proxy                     VmRSS 5.5 MiB idle 6 s after start, before any load"),
                table.toString());

        Path json = dir.resolve("r.json");
        r.writeJson(json, BenchmarkOptions.defaults());
        String written = Files.readString(json);
        assertTrue(written.contains("\"cpuSecondsPerGB\": 1.25"), written);
        assertTrue(written.contains("\"cpuMsPerTx\": 0.4"), written);
        assertTrue(written.contains("\"idleMemory\": {\n    \"3proxy\": {\n      \"vmRssMiB\": 5.5"), written);
        assertFalse(Report.cpu(t1("direct", 2000)).isPresent());
    }

    @Test
    void jsonEscapesAndNullsNaN() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a\"b", Double.NaN);
        m.put("list", List.of(1, "x\n"));
        assertEquals("{\n  \"a\\\"b\": null,\n  \"list\": [\n    1,\n    \"x\\n\"\n  ]\n}", Report.json(m));
    }
}
