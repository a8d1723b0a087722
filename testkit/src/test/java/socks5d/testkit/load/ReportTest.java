package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
    void jsonEscapesAndNullsNaN() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a\"b", Double.NaN);
        m.put("list", List.of(1, "x\n"));
        assertEquals("{\n  \"a\\\"b\": null,\n  \"list\": [\n    1,\n    \"x\\n\"\n  ]\n}", Report.json(m));
    }
}
