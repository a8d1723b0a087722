package socks5d.testkit.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Folds the results of several passes of the benchmark ({@code --passes N}) into one result per scenario
 * and target: every numeric figure becomes its median over the passes, and the result records each pass's
 * headline and its ratio to direct measured in the same pass. On a shared machine one pass of C can move
 * by a fifth from the next; the median of passes measured in turn is what a comparison can stand on.
 *
 * <p>Pure; stateless.
 */
final class Passes {
    /** Metrics key each measured result carries: the pass it was measured in, from 1. */
    static final String PASS = "pass";
    /** Metrics key of a folded result: how many passes measured it. */
    static final String COUNT = "passes";
    /** Metrics key of a folded result: the headline of each pass, in pass order. */
    static final String HEADLINES = "passHeadlines";
    /** Metrics key of a folded result: the headline over direct's in the same pass, in pass order. */
    static final String RATIOS = "passRatiosToDirect";
    /** Metrics key of a folded result: the median of {@link #RATIOS}, the table's ratio to direct. */
    static final String MEDIAN_RATIO = "medianRatioToDirect";

    private static final String ERRORS = "errors";

    private Passes() {
    }

    /**
     * One result per scenario and target, in the order first measured. A target measured once is returned
     * as it is; one measured in several passes gets the median of each numeric metric (the pass number
     * aside; errors are summed), the first pass's value of anything else, and {@link #COUNT}, {@link #HEADLINES},
     * {@link #RATIOS} and {@link #MEDIAN_RATIO}.
     */
    static List<Result> medians(List<Result> measured) {
        Map<List<Object>, List<Result>> groups = new LinkedHashMap<>();
        for (Result r : measured) {
            groups.computeIfAbsent(List.of(r.scenario(), r.target()), k -> new ArrayList<>()).add(r);
        }
        List<Result> folded = new ArrayList<>();
        for (List<Result> group : groups.values()) {
            folded.add(group.size() == 1 ? group.get(0) : fold(group, measured));
        }
        return folded;
    }

    private static Result fold(List<Result> group, List<Result> measured) {
        Result first = group.get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : first.metrics().entrySet()) {
            String key = e.getKey();
            if (PASS.equals(key)) {
                continue;
            }
            List<Double> values = new ArrayList<>();
            for (Result r : group) {
                if (r.metrics().get(key) instanceof Number n) {
                    values.add(n.doubleValue());
                }
            }
            if (values.size() < group.size()) {
                m.put(key, e.getValue());
            } else if (ERRORS.equals(key)) {
                m.put(key, values.stream().mapToLong(Double::longValue).sum()); // an error in any pass counts
            } else {
                m.put(key, median(values));
            }
        }
        m.put(COUNT, group.size());
        List<Double> headlines = group.stream().map(Result::headlineValue).toList();
        m.put(HEADLINES, headlines);
        List<Double> ratios = new ArrayList<>();
        for (Result r : group) {
            directOfPass(measured, r).map(d -> r.headlineValue() / d.headlineValue())
                    .filter(v -> !v.isNaN() && !v.isInfinite()).ifPresent(ratios::add);
        }
        if (!ratios.isEmpty()) {
            m.put(RATIOS, ratios);
            m.put(MEDIAN_RATIO, median(ratios));
        }
        return new Result(first.scenario(), first.target(), first.headline(), m);
    }

    private static Optional<Result> directOfPass(List<Result> measured, Result r) {
        Object pass = r.metrics().get(PASS);
        return measured.stream()
                .filter(d -> d.scenario() == r.scenario() && Report.DIRECT.equals(d.target()) && d != r
                        && pass != null && Objects.equals(d.metrics().get(PASS), pass))
                .findFirst();
    }

    /** The median: the middle value, or the mean of the middle two; NaN for none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Each proxy's idle memory over the passes: the pass with the median resident size (the lower of two). */
    static Map<String, ProxyProcess.Memory> medianMemory(Map<String, List<ProxyProcess.Memory>> perPass) {
        Map<String, ProxyProcess.Memory> out = new LinkedHashMap<>();
        perPass.forEach((target, list) -> {
            if (!list.isEmpty()) {
                List<ProxyProcess.Memory> sorted = list.stream()
                        .sorted(Comparator.comparingLong(ProxyProcess.Memory::vmRssKiB)).toList();
                out.put(target, sorted.get((sorted.size() - 1) / 2));
            }
        });
        return out;
    }
}
