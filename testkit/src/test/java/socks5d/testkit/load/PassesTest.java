package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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

class PassesTest {

    private static Result c(String target, int pass, double txPerSec, double p99, long errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("txPerSec", txPerSec);
        m.put("p99Ms", p99);
        m.put("errors", errors);
        m.put("note", "pass " + pass);
        m.put(Passes.PASS, pass);
        return new Result(Scenario.C, target, "txPerSec", m);
    }

    /** Three passes of direct, a and b, a measured first in pass 1 and 3, b in pass 2. */
    private static List<Result> threePasses() {
        return List.of(
                c("direct", 1, 10_000, 10, 0), c("a", 1, 5_000, 20, 0), c("b", 1, 6_000, 15, 0),
                c("direct", 2, 20_000, 12, 0), c("b", 2, 8_000, 30, 2), c("a", 2, 9_000, 25, 0),
                c("direct", 3, 16_000, 11, 0), c("a", 3, 8_000, 22, 1), c("b", 3, 4_000, 17, 0));
    }

    @Test
    void eachFigureIsItsMedianOverThePassesAndErrorsAreSummed() {
        List<Result> folded = Passes.medians(threePasses());
        assertEquals(List.of("direct", "a", "b"), folded.stream().map(Result::target).toList());
        Result a = folded.get(1);
        assertEquals(8_000.0, a.headlineValue(), 1e-9);
        assertEquals(22.0, ((Number) a.metrics().get("p99Ms")).doubleValue(), 1e-9);
        assertEquals(1L, a.errors());
        assertEquals(2L, folded.get(2).errors());
        assertEquals("pass 1", a.metrics().get("note"));
        assertFalse(a.metrics().containsKey(Passes.PASS));
        assertEquals(3, a.metrics().get(Passes.COUNT));
        assertEquals(List.of(5_000.0, 9_000.0, 8_000.0), a.metrics().get(Passes.HEADLINES));
        assertEquals(16_000.0, folded.get(0).headlineValue(), 1e-9);
    }

    @Test
    void theRatioToDirectIsTheMedianOfEachPassAgainstItsOwnDirect() {
        List<Result> folded = Passes.medians(threePasses());
        Result b = folded.get(2);
        assertEquals(List.of(0.6, 0.4, 0.25), b.metrics().get(Passes.RATIOS));
        assertEquals(0.4, ((Number) b.metrics().get(Passes.MEDIAN_RATIO)).doubleValue(), 1e-9);
        Report r = new Report(folded, threePasses(), Map.of(), Map.of());
        // not the ratio of the medians (6,000 / 16,000)
        assertEquals(0.4, r.ratio(b).orElseThrow(), 1e-9);
    }

    @Test
    void onePassIsLeftAsItIs() {
        List<Result> one = List.of(c("direct", 1, 10_000, 10, 0), c("a", 1, 5_000, 20, 0));
        List<Result> folded = Passes.medians(one);
        assertSame(one.get(1), folded.get(1));
        assertEquals(0.5, new Report(folded, one, Map.of(), Map.of()).ratio(folded.get(1)).orElseThrow(), 1e-9);
    }

    @Test
    void medians() {
        assertEquals(2.0, Passes.median(List.of(3.0, 1.0, 2.0)), 1e-9);
        assertEquals(2.5, Passes.median(List.of(4.0, 1.0, 2.0, 3.0)), 1e-9);
        assertTrue(Double.isNaN(Passes.median(List.of())));
        Map<String, List<ProxyProcess.Memory>> idle = new LinkedHashMap<>();
        idle.put("a", List.of(new ProxyProcess.Memory(300, 1), new ProxyProcess.Memory(100, 2),
                new ProxyProcess.Memory(200, 3)));
        idle.put("b", List.of(new ProxyProcess.Memory(400, 4), new ProxyProcess.Memory(500, 5)));
        assertEquals(Map.of("a", new ProxyProcess.Memory(200, 3), "b", new ProxyProcess.Memory(400, 4)),
                Passes.medianMemory(idle));
    }

    @Test
    void anInterleavedResultShowsItsSlicesRangeAndMedianButDirectDoesNot() {
        Map<String, Object> m = new LinkedHashMap<>(Map.of("txPerSec", 7_000.0, "p50Ms", 8.0, "p99Ms", 20.0));
        m.put(Interleave.SLICE_RATIOS, List.of(0.30, 0.25, 0.35));
        m.put(Passes.MEDIAN_RATIO, 0.30);
        Result proxied = new Result(Scenario.C, "a", "txPerSec", m);
        assertEquals("3 interleaved slices, to direct 0.25-0.35 (median 0.30)", Report.passes(proxied).orElseThrow());
        Report r = new Report(List.of(proxied), Map.of());
        assertEquals(0.30, r.ratio(proxied).orElseThrow(), 1e-9);
        Map<String, Object> d = new LinkedHashMap<>(m);
        d.put(Interleave.SLICE_RATIOS, List.of(1.0, 1.0, 1.0));
        assertTrue(Report.passes(new Result(Scenario.C, Report.DIRECT, "txPerSec", d)).isEmpty());
    }

    @Test
    void theTableShowsEveryPassAndTheJsonKeepsThem(@TempDir Path dir) throws Exception {
        Report r = new Report(Passes.medians(threePasses()), threePasses(), Map.of(), Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> table = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        int row = table.indexOf(table.stream().filter(l -> l.startsWith("C    a ")).findFirst().orElseThrow());
        assertTrue(table.get(row).contains("8000 tx/s") && table.get(row).contains(" 0.50 "), table.get(row));
        assertEquals("median of 3 passes: 5000 / 9000 / 8000, to direct 0.50 / 0.45 / 0.50",
                table.get(row + 1).trim());
        Path json = dir.resolve("r.json");
        r.writeJson(json, BenchmarkOptions.parse(new String[] {"--passes", "3"}));
        String written = Files.readString(json);
        assertTrue(written.contains("\"passes\": 3"), written);
        assertEquals(9, written.split("\"pass\": ", -1).length - 1, written);
        assertTrue(written.contains("\"passResults\""), written);
    }
}
