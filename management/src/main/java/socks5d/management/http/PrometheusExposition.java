package socks5d.management.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import socks5d.management.metrics.Latency;
import socks5d.management.metrics.Metrics;
import socks5d.management.metrics.Observations;

/**
 * The {@code /metrics} document (docs/operations.md, Prometheus metrics): socks5d's figures built
 * from ONE {@link Metrics.Detail} of the metrics actor, plus the Prometheus client's standard JVM
 * metrics, written in the text format or OpenMetrics as the scraper's {@code Accept} asks. No label
 * takes a value a client chooses: reply codes and directions are fixed sets. One instance per
 * listener (it owns the JVM metrics' registry); {@link #write} is thread-safe.
 */
public final class PrometheusExposition {
    /** RFC 1928 reply names, by code, as the {@code reply} label. */
    private static final String[] REPLIES = {"succeeded", "general_failure", "not_allowed_by_ruleset",
            "network_unreachable", "host_unreachable", "connection_refused", "ttl_expired",
            "command_not_supported", "address_type_not_supported"};

    private final PrometheusRegistry jvm = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    public PrometheusExposition() {
        JvmMetrics.builder().register(jvm);
    }

    /** A rendered document and its media type. */
    public record Document(String contentType, byte[] body) {
    }

    /** Renders {@code detail} (and the JVM metrics) in the format {@code accept} asks for; text by default. */
    public Document write(Metrics.Detail detail, int users, boolean ready, String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        MetricSnapshots ours = snapshots(detail, users, ready);
        MetricSnapshots jvmMetrics = jvm.scrape();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            if (writer instanceof PrometheusTextFormatWriter) {
                // socks5d's families first, then the JVM's (one document sorts them by name).
                writer.write(out, ours);
                writer.write(out, jvmMetrics);
            } else {
                // OpenMetrics ends with "# EOF": one document.
                MetricSnapshots.Builder all = MetricSnapshots.builder();
                ours.forEach(all::metricSnapshot);
                jvmMetrics.forEach(all::metricSnapshot);
                writer.write(out, all.build());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Document(writer.getContentType(), out.toByteArray());
    }

    /** socks5d's own metric families from one snapshot of the metrics actor. */
    static MetricSnapshots snapshots(Metrics.Detail detail, int users, boolean ready) {
        Metrics.Snapshot s = detail.snapshot();
        Observations o = detail.observed();
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        b.metricSnapshot(counter("socks5d_connections", "SOCKS connections accepted and served", s.historicConnections()));
        b.metricSnapshot(counter("socks5d_connection_attempts",
                "SOCKS connections accepted, served or refused for capacity", s.connectionAttempts()));
        b.metricSnapshot(counter("socks5d_refused_capacity",
                "SOCKS connections closed at once because max-clients or the descriptor budget was reached",
                Math.max(0, s.connectionAttempts() - s.historicConnections())));
        b.metricSnapshot(gauge("socks5d_sessions", "SOCKS connections open now", s.currentConnections()));
        b.metricSnapshot(gauge("socks5d_sessions_max", "Most SOCKS connections open at once since start",
                s.maxConcurrentConnections()));
        b.metricSnapshot(counter("socks5d_sessions_succeeded", "Sessions that ended after reply 0x00",
                s.successfulConnections()));
        b.metricSnapshot(counter("socks5d_sessions_failed", "Sessions that ended without reply 0x00",
                s.failedConnections()));
        CounterSnapshot.Builder failures = CounterSnapshot.builder().name("socks5d_failures")
                .help("Sessions that ended with a failure reply, by RFC 1928 reply code (none: closed before any reply)");
        for (int code = 1; code < REPLIES.length; code++) {
            failures.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("code", String.format("0x%02x", code), "reply", REPLIES[code]))
                    .value(o.replies(code)).build());
        }
        failures.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("code", "none", "reply", "none"))
                .value(o.replies(Observations.NO_REPLY)).build());
        b.metricSnapshot(failures.build());
        b.metricSnapshot(counter("socks5d_ruleset_refusals", "Requests refused by the ruleset (reply 0x02)",
                o.replies(2)));
        b.metricSnapshot(counter("socks5d_auth_attempts", "RFC 1929 logins on the SOCKS port", s.authAttempts()));
        b.metricSnapshot(counter("socks5d_auth_failures", "Failed RFC 1929 logins on the SOCKS port", s.authFailures()));
        b.metricSnapshot(counter("socks5d_dissector_reports", "Credentials reported by the password dissectors",
                o.credentials()));
        b.metricSnapshot(CounterSnapshot.builder().name("socks5d_bytes").unit(Unit.BYTES)
                .help("Payload relayed over TCP, by direction")
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("direction", "client_to_destination"))
                        .value(o.bytesFromClient()).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("direction", "destination_to_client"))
                        .value(o.bytesToClient()).build())
                .build());
        b.metricSnapshot(CounterSnapshot.builder().name("socks5d_transferred_bytes").unit(Unit.BYTES)
                .help("Every byte read or written on proxy sockets, client and destination side, handshakes included")
                .dataPoint(CounterDataPointSnapshot.builder().value(s.bytesTransferred()).build()).build());
        b.metricSnapshot(GaugeSnapshot.builder().name("socks5d_open_sessions_proxied_bytes").unit(Unit.BYTES)
                .help("Payload relayed so far by the sessions open now")
                .dataPoint(GaugeDataPointSnapshot.builder().value(s.currentBytesProxied()).build()).build());
        b.metricSnapshot(counter("socks5d_udp_associations", "UDP associations ended", s.udpAssociations()));
        b.metricSnapshot(counter("socks5d_udp_datagrams", "UDP datagrams relayed, both directions", s.udpDatagrams()));
        b.metricSnapshot(CounterSnapshot.builder().name("socks5d_udp_bytes").unit(Unit.BYTES)
                .help("UDP payload relayed, both directions")
                .dataPoint(CounterDataPointSnapshot.builder().value(s.udpBytes()).build()).build());
        b.metricSnapshot(counter("socks5d_udp_dropped", "UDP datagrams dropped", s.udpDropped()));
        Metrics.LimitEvents limits = s.limits();
        b.metricSnapshot(CounterSnapshot.builder().name("socks5d_limit_refusals")
                .help("Connections and sessions refused by a limit (docs/operations.md, Limits), by reason")
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", "address_connections"))
                        .value(limits.refusedAddressConcurrency()).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", "address_rate"))
                        .value(limits.refusedAddressRate()).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", "user_sessions"))
                        .value(limits.refusedUserSessions()).build())
                .build());
        b.metricSnapshot(counter("socks5d_logins_throttled",
                "Logins refused at once or answered late by the login throttle, every port", limits.loginsThrottled()));
        b.metricSnapshot(counter("socks5d_sessions_shaped", "Sessions whose user has a bandwidth limit",
                limits.sessionsShaped()));
        b.metricSnapshot(histogram("socks5d_handshake_duration_seconds",
                "From accept to the reply to the request (resolve and connect included)", o.handshake()));
        b.metricSnapshot(histogram("socks5d_connect_duration_seconds",
                "Resolving, checking and connecting to a CONNECT's destination, failed and refused ones included", o.connect()));
        b.metricSnapshot(gauge("socks5d_users", "Users in the user directory", users));
        b.metricSnapshot(gauge("socks5d_ready", "1 when ready for traffic (GET /health/ready), else 0", ready ? 1 : 0));
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, long value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static HistogramSnapshot histogram(String name, String help, Latency latency) {
        double[] bounds = Latency.upperBoundsSeconds();
        double[] withInf = java.util.Arrays.copyOf(bounds, bounds.length + 1);
        withInf[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(name).unit(Unit.SECONDS).help(help)
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(withInf, latency.bucketCounts()))
                        .sum(latency.sumNanos() / 1e9).build())
                .build();
    }
}
