package socks5d.management.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import socks5d.management.metrics.Latency;
import socks5d.management.metrics.Metrics;
import socks5d.management.metrics.Observations;

/** The exposition from one fixed snapshot: names, labels, values, formats (docs/operations.md, Prometheus metrics). */
class PrometheusExpositionTest {
    private static final PrometheusExposition EXPOSITION = new PrometheusExposition();

    private static Metrics.Detail detail() {
        Metrics.Snapshot s = new Metrics.Snapshot(12, 10, 3, 7, 6, 1, 9, 2, 3000, 500, 7000, 3500, 100, 100,
                1, 4, 400, 1, new Metrics.LimitEvents(5, 6, 7, 8, 9));
        long[] replies = new long[Observations.REPLY_SLOTS];
        replies[0] = 6;
        replies[2] = 1;
        replies[5] = 0;
        Latency h = new Latency();
        h.observe(500_000);
        h.observe(30_000_000);
        return new Metrics.Detail(s, new Observations(1000, 2000, replies, 5, h, new Latency()));
    }

    private static String text(String accept) {
        PrometheusExposition.Document d = EXPOSITION.write(detail(), 3, true, accept);
        return new String(d.body(), StandardCharsets.UTF_8);
    }

    @Test
    void textFormatHasSocks5dFamiliesFirstWithConventionalNames() {
        PrometheusExposition.Document d = EXPOSITION.write(detail(), 3, true, "text/plain");
        assertTrue(d.contentType().startsWith("text/plain; version=0.0.4"), d.contentType());
        String t = new String(d.body(), StandardCharsets.UTF_8);
        assertTrue(t.startsWith("# HELP socks5d_"), "socks5d's families before the JVM's");
        for (String line : new String[] {
                "socks5d_connections_total 10.0",
                "socks5d_connection_attempts_total 12.0",
                "socks5d_refused_capacity_total 2.0",
                "socks5d_sessions 3.0",
                "socks5d_sessions_max 7.0",
                "socks5d_auth_failures_total 2.0",
                "socks5d_ruleset_refusals_total 1.0",
                "socks5d_dissector_reports_total 5.0",
                "socks5d_failures_total{code=\"0x02\",reply=\"not_allowed_by_ruleset\"} 1.0",
                "socks5d_failures_total{code=\"none\",reply=\"none\"} 0.0",
                "socks5d_bytes_total{direction=\"client_to_destination\"} 1000.0",
                "socks5d_bytes_total{direction=\"destination_to_client\"} 2000.0",
                "socks5d_handshake_duration_seconds_bucket{le=\"0.001\"} 1",
                "socks5d_handshake_duration_seconds_bucket{le=\"0.025\"} 1",
                "socks5d_handshake_duration_seconds_bucket{le=\"0.05\"} 2",
                "socks5d_handshake_duration_seconds_bucket{le=\"+Inf\"} 2",
                "socks5d_handshake_duration_seconds_count 2",
                "socks5d_connect_duration_seconds_count 0",
                "socks5d_limit_refusals_total{reason=\"address_connections\"} 5.0",
                "socks5d_limit_refusals_total{reason=\"address_rate\"} 6.0",
                "socks5d_limit_refusals_total{reason=\"user_sessions\"} 7.0",
                "socks5d_logins_throttled_total 8.0",
                "socks5d_sessions_shaped_total 9.0",
                "socks5d_users 3.0",
                "socks5d_ready 1.0",
                "# TYPE socks5d_handshake_duration_seconds histogram"}) {
            assertTrue(t.contains("\n" + line + "\n") || t.startsWith(line + "\n"), "missing: " + line);
        }
        assertTrue(t.contains("\njvm_memory_used_bytes{area=\"heap\"} "), "the client's JVM metrics");
        assertFalse(t.contains("# EOF"));
    }

    @Test
    void openMetricsWhenAskedForEndsWithEof() {
        PrometheusExposition.Document d = EXPOSITION.write(detail(), 3, false,
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertTrue(d.contentType().startsWith("application/openmetrics-text"), d.contentType());
        String t = new String(d.body(), StandardCharsets.UTF_8);
        assertTrue(t.endsWith("# EOF\n"));
        assertTrue(t.contains("\nsocks5d_ready 0.0\n"));
        assertTrue(t.contains("\n# UNIT socks5d_handshake_duration_seconds seconds\n"));
    }

    @Test
    void protobufIsNotServedTextInstead() {
        assertTrue(text("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
                .contains("\nsocks5d_connections_total 10.0\n"));
    }
}
