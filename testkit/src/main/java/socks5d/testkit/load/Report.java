package socks5d.testkit.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns results into the final table (absolute figures, ratios to direct, the proxy's CPU per unit of
 * work, and each proxy's resident memory at idle), the verdict on whether the load generator was the
 * bottleneck, and the JSON results file.
 *
 * <p>Pure apart from the two output methods; one benchmark thread.
 */
final class Report {
    static final String DIRECT = "direct";
    /** Direct must beat the best proxied figure by this factor for the load generator to be ruled out. */
    static final double NOT_BOTTLENECK_FACTOR = 1.5;
    private static final double KIB_PER_MIB = 1024.0;

    private final List<Result> results;
    private final List<Result> measured;
    private final Map<String, String> failures;
    private final Map<String, ProxyProcess.Memory> idleMemory;

    Report(List<Result> results, Map<String, String> failures) {
        this(results, failures, Map.of());
    }

    /** {@code idleMemory}: each proxy's memory 6 s after start, before any load, in the order measured. */
    Report(List<Result> results, Map<String, String> failures, Map<String, ProxyProcess.Memory> idleMemory) {
        this(results, results, failures, idleMemory);
    }

    /**
     * {@code results}: one per scenario and target ({@link Passes#medians} of {@code measured}, or
     * {@code measured} itself after one pass); {@code measured}: every pass's, written to the JSON file
     * when there were several.
     */
    Report(List<Result> results, List<Result> measured, Map<String, String> failures,
           Map<String, ProxyProcess.Memory> idleMemory) {
        this.results = List.copyOf(results);
        this.measured = List.copyOf(measured);
        this.failures = Map.copyOf(failures);
        this.idleMemory = Collections.unmodifiableMap(new LinkedHashMap<>(idleMemory));
    }

    /**
     * Headline of {@code r} over the direct headline of the same scenario, if both exist; for a result
     * folded from several passes, the median of its ratios to direct in the same pass.
     */
    Optional<Double> ratio(Result r) {
        if (r.metrics().get(Passes.MEDIAN_RATIO) instanceof Number median) {
            return Optional.of(median.doubleValue());
        }
        return direct(r.scenario()).map(d -> r.headlineValue() / d.headlineValue())
                .filter(v -> !v.isNaN() && !v.isInfinite());
    }

    private Optional<Result> direct(Scenario s) {
        return results.stream().filter(r -> r.scenario() == s && DIRECT.equals(r.target())).findFirst();
    }

    /** For T1, T8 and C: direct over the best proxied headline. */
    Map<Scenario, Double> directOverBestProxied() {
        Map<Scenario, Double> out = new LinkedHashMap<>();
        for (Scenario s : List.of(Scenario.T1, Scenario.T8, Scenario.C)) {
            Optional<Result> d = direct(s);
            Optional<Double> best = results.stream()
                    .filter(r -> r.scenario() == s && !DIRECT.equals(r.target()))
                    .map(Result::headlineValue).filter(v -> !v.isNaN()).max(Double::compare);
            if (d.isPresent() && best.isPresent() && best.get() > 0) {
                out.put(s, d.get().headlineValue() / best.get());
            }
        }
        return out;
    }

    /** The one-line verdict: whether the load generator, not the proxy, was the limit. */
    String bottleneckVerdict() {
        Map<Scenario, Double> ratios = directOverBestProxied();
        if (ratios.isEmpty()) {
            return "Load generator: no proxied throughput figures to compare with direct; nothing to conclude.";
        }
        StringBuilder parts = new StringBuilder();
        ratios.forEach((s, v) -> parts.append(parts.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%.1fx (%s)", v, s)));
        boolean clear = ratios.values().stream().allMatch(v -> v >= NOT_BOTTLENECK_FACTOR);
        return clear
                ? "Load generator: NOT the bottleneck: direct is " + parts + " the best proxied figure."
                : "Load generator: MAY BE the bottleneck: direct is only " + parts
                + " the best proxied figure (want at least " + NOT_BOTTLENECK_FACTOR + "x).";
    }

    void printTable(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-4s %-26s %-54s %-16s %s%n", "", "target", "result", "ratio to direct",
                "proxy CPU");
        for (Scenario s : Scenario.values()) {
            for (Result r : results) {
                if (r.scenario() != s) {
                    continue;
                }
                String ratio = ratio(r).map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("-");
                out.printf(Locale.ROOT, "%-4s %-26s %-54s %-16s %s%n", s, r.target(), summary(r), ratio,
                        cpu(r).orElse("-"));
                passes(r).ifPresent(line -> out.printf(Locale.ROOT, "%-4s %-26s %s%n", "", "", line));
            }
        }
        idleMemory.forEach((t, m) -> out.printf(Locale.ROOT, "%-4s %-26s %s%n", "idle", t, idle(m)));
        failures.forEach((t, why) -> out.printf(Locale.ROOT, "     %-26s FAILED: %s%n", t, why));
        out.println();
        out.println(bottleneckVerdict());
    }

    /**
     * For a result folded from several passes: each pass's headline and ratio to direct, in pass order
     * (the line above holds the medians).
     */
    static Optional<String> passes(Result r) {
        if (r.metrics().get(Interleave.SLICE_RATIOS) instanceof List<?> slices && !slices.isEmpty()
                && !r.metrics().containsKey(Passes.COUNT)) {
            if (DIRECT.equals(r.target())) {
                return Optional.empty();
            }
            DoubleSummaryStatistics range = slices.stream().mapToDouble(v -> ((Number) v).doubleValue()).summaryStatistics();
            return Optional.of(String.format(Locale.ROOT, "%d interleaved slices, to direct %.2f-%.2f (median %.2f)",
                    slices.size(), range.getMin(), range.getMax(), ratio(r.metrics())));
        }
        if (!(r.metrics().get(Passes.COUNT) instanceof Number n) || !(r.metrics().get(Passes.HEADLINES) instanceof List<?> heads)) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("median of ").append(n.intValue()).append(" passes: ");
        sb.append(String.join(" / ", heads.stream().map(h -> String.format(Locale.ROOT, "%.0f", ((Number) h).doubleValue())).toList()));
        if (r.metrics().get(Passes.RATIOS) instanceof List<?> ratios && !ratios.isEmpty()) {
            sb.append(", to direct ").append(String.join(" / ",
                    ratios.stream().map(v -> String.format(Locale.ROOT, "%.2f", ((Number) v).doubleValue())).toList()));
        }
        return Optional.of(sb.toString());
    }

    private static double ratio(Map<String, Object> m) {
        return m.get(Passes.MEDIAN_RATIO) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** One line of figures for a result. */
    static String summary(Result r) {
        Map<String, Object> m = r.metrics();
        String errors = r.errors() > 0 ? "  errors " + r.errors() : "";
        return switch (r.scenario()) {
            case T1, T8 -> String.format(Locale.ROOT, "%9.1f MB/s  (%d x %s in %.2f s)", num(m, "MBps"),
                    ((Number) m.get("streams")).intValue(), size(((Number) m.get("bytesEach")).longValue()),
                    num(m, "seconds")) + errors;
            case C -> String.format(Locale.ROOT, "%9.0f tx/s  p50 %.2f ms  p99 %.2f ms", num(m, "txPerSec"),
                    num(m, "p50Ms"), num(m, "p99Ms")) + errors;
            case H -> String.format(Locale.ROOT, "%5d/%d survived", ((Number) m.get("survived")).intValue(),
                    ((Number) m.get("requested")).intValue())
                    + (m.containsKey("vmHwmMiB") ? String.format(Locale.ROOT, "  VmHWM %.0f MiB  VmRSS %.0f MiB",
                    num(m, "vmHwmMiB"), num(m, "vmRssMiB")) : "") + errors;
            case U -> String.format(Locale.ROOT, "%9.0f dgram/s  loss %.2f %%  p99 %.2f ms",
                    num(m, "datagramsPerSec"), num(m, "lossPercent"), num(m, "p99Ms")) + errors;
        };
    }

    /**
     * The proxy's CPU over the measured phase, per unit: seconds per GB (10^9 bytes) for T1 and T8,
     * milliseconds per transaction for C; empty for direct, for H and where /proc could not be read.
     */
    static Optional<String> cpu(Result r) {
        Map<String, Object> m = r.metrics();
        return switch (r.scenario()) {
            case T1, T8 -> m.containsKey(CpuTime.CPU_SECONDS_PER_GB)
                    ? Optional.of(String.format(Locale.ROOT, "%.2f s/GB", num(m, CpuTime.CPU_SECONDS_PER_GB)))
                    : Optional.empty();
            case C -> m.containsKey(CpuTime.CPU_MS_PER_TX)
                    ? Optional.of(String.format(Locale.ROOT, "%.3f ms/tx", num(m, CpuTime.CPU_MS_PER_TX)))
                    : Optional.empty();
            case H, U -> Optional.empty();
        };
    }

    /** The table's figure for a proxy at idle. */
    static String idle(ProxyProcess.Memory m) {
        return String.format(Locale.ROOT, "VmRSS %.1f MiB idle 6 s after start, before any load", m.vmRssKiB() / KIB_PER_MIB);
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
    }

    void writeJson(Path file, BenchmarkOptions options) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generatedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("java", System.getProperty("java.version"));
        host.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        root.put("host", host);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("proxyJar", options.proxyJar() == null ? null : options.proxyJar().toString());
        opts.put("jvmFlags", options.jvmFlags());
        opts.put("scale", options.scale());
        opts.put("scenarios", options.scenarios().stream().sorted().map(Enum::name).toList());
        opts.put("variants", options.variants().stream().map(BenchmarkOptions.Variant::label).toList());
        opts.put("peers", options.peers());
        opts.put("proxyConfig", options.proxyConfig());
        opts.put("concurrency", options.concurrency());
        opts.put("passes", options.passes());
        root.put("options", opts);
        root.put("results", results.stream().map(r -> entry(r, true)).toList());
        if (measured.size() != results.size()) {
            // each pass's own: their ratios to direct are in the metrics of the folded result
            root.put("passResults", measured.stream().map(r -> entry(r, false)).toList());
        }
        Map<String, Object> idle = new LinkedHashMap<>();
        idleMemory.forEach((t, m) -> idle.put(t, Map.of("vmRssMiB", m.vmRssKiB() / KIB_PER_MIB)));
        root.put("idleMemory", idle);
        root.put("failures", failures);
        Map<String, Object> lg = new LinkedHashMap<>();
        Map<String, Object> ratios = new LinkedHashMap<>();
        directOverBestProxied().forEach((s, v) -> ratios.put(s.name(), v));
        lg.put("directOverBestProxied", ratios);
        lg.put("notBottleneck", ratios.isEmpty() ? null
                : ratios.values().stream().allMatch(v -> ((Double) v) >= NOT_BOTTLENECK_FACTOR));
        lg.put("verdict", bottleneckVerdict());
        root.put("loadGenerator", lg);
        Files.writeString(file, json(root) + "\n", StandardCharsets.UTF_8);
    }

    /** A result as the JSON file holds it, with its ratio to direct when {@code withRatio}. */
    private Map<String, Object> entry(Result r, boolean withRatio) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("scenario", r.scenario().name());
        o.put("target", r.target());
        o.put("headline", r.headline());
        o.put("value", r.headlineValue());
        if (withRatio) {
            o.put("ratioToDirect", ratio(r).orElse(null));
        }
        o.put("metrics", r.metrics());
        return o;
    }

    /** Minimal JSON writer for maps, collections, strings, numbers, booleans and null (NaN becomes null). */
    static String json(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null || (v instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(first ? "" : ",").append('\n').append("  ".repeat(indent + 1));
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), indent + 1);
            }
            sb.append(map.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append('}');
        } else if (v instanceof Collection<?> list) {
            sb.append('[');
            boolean first = true;
            for (Object o : list) {
                sb.append(first ? "" : ",").append('\n').append("  ".repeat(indent + 1));
                first = false;
                write(sb, o, indent + 1);
            }
            sb.append(list.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append(']');
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
