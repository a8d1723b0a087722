package socks5d.testkit.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Warm-up in rounds until the proxy's CPU per unit of work (per transaction for C, per byte for T1 and
 * T8) has settled: a JVM proxy's compiler keeps working for tens of seconds under a new load (in a C
 * profile after a single 5,000-transaction warm-up the C2 compiler thread still took a quarter of
 * the proxy's CPU), so a fixed warm-up measured the compiler as much as the proxy, while a proxy
 * written in C is settled from the first round. Rounds stop, after at least {@link #MIN_ROUNDS}, once
 * the last {@link #SETTLED_ROUNDS} differ by at most {@link #TOLERANCE} of the largest of them (two would do on a quiet machine; on a
 * shared one single rounds vary by 10-20 %, and two similar ones in a row happened mid-compilation),
 * after {@code maxRounds}, or after the first round when the proxy's CPU cannot be read (direct, or
 * not Linux).
 *
 * <p>The decision ({@link #settled}) is a pure function of the figures so far; {@link #run} drives
 * the rounds. Not thread-safe; one warm-up at a time.
 */
final class Warmup {
    /** {@link #SETTLED_ROUNDS} consecutive rounds within this fraction of the largest's CPU per unit: settled. */
    static final double TOLERANCE = 0.10;
    /** How many consecutive rounds must agree. */
    static final int SETTLED_ROUNDS = 3;
    /**
     * Rounds before any can count as settled: socks5d's compiler passes through plateaus (three rounds
     * in a row at 0.40-0.45 ms per C transaction, then 0.25 from the eighth round on, in one run), and
     * stopping on the first plateau measured it 40-75 % above its steady state.
     */
    static final int MIN_ROUNDS = 6;

    /** One round of load: does the work and returns how many units (transactions, bytes) it completed. */
    @FunctionalInterface
    interface Round {
        /** Runs round {@code index} (from 1). */
        long run(int index) throws InterruptedException;
    }

    private Warmup() {
    }

    /** What a warm-up did: how many rounds ran, and the CPU per unit (ns) of each that could be measured. */
    record Rounds(int ran, List<Double> cpuPerUnit) {
    }

    /**
     * Runs rounds until settled; stops after the first when the proxy's CPU cannot be read or a round
     * completed nothing (then there is nothing to compare). Prints one line saying what it found.
     */
    static Rounds run(int maxRounds, Supplier<Optional<Duration>> cpu, Round round, Progress progress)
            throws InterruptedException {
        List<Double> perUnit = new ArrayList<>();
        int ran = 0;
        while (ran < maxRounds) {
            Optional<Duration> before = cpu.get();
            long units = round.run(++ran);
            Optional<Duration> after = cpu.get();
            if (before.isEmpty() || after.isEmpty() || units <= 0) {
                break;
            }
            perUnit.add(after.get().minus(before.get()).toNanos() / (double) units);
            if (settled(perUnit)) {
                break;
            }
        }
        progress.note(String.format(Locale.ROOT, "warm-up: %d round(s), %s, proxy CPU per unit relative to the"
                + " first round: %s", ran, settled(perUnit) ? "settled" : "not settled", trend(perUnit)));
        return new Rounds(ran, List.copyOf(perUnit));
    }

    /**
     * True when at least {@link #MIN_ROUNDS} rounds ran and the last {@link #SETTLED_ROUNDS} rounds' CPU per
     * unit differ by at most {@link #TOLERANCE} of the largest of them.
     */
    static boolean settled(List<Double> perUnit) {
        int n = perUnit.size();
        if (n < Math.max(MIN_ROUNDS, SETTLED_ROUNDS)) {
            return false;
        }
        List<Double> last = perUnit.subList(n - SETTLED_ROUNDS, n);
        double largest = last.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double smallest = last.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return largest <= 0 || largest - smallest <= TOLERANCE * largest;
    }

    /** The rounds' figures relative to the first, for the progress line, e.g. {@code 1.00 0.71 0.64}. */
    static String trend(List<Double> perUnit) {
        if (perUnit.isEmpty()) {
            return "not measured";
        }
        StringBuilder s = new StringBuilder();
        double first = perUnit.get(0);
        for (double v : perUnit) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(String.format(Locale.ROOT, "%.2f", first > 0 ? v / first : 1.0));
        }
        return s.toString();
    }
}
