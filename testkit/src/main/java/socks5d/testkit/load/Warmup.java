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
 * shared one single rounds vary by 10-20 %, and two similar ones in a row happened mid-compilation)
 * and in each of them the JIT compiler threads of the proxy and of the load generator itself (this
 * JVM) took at most {@link #COMPILER_SHARE} of their process's CPU, after {@code maxRounds}, or after the first round when the proxy's CPU cannot be read
 * (direct, or not Linux).
 *
 * <p>Why the compiler's share: rounds of a few thousand transactions can agree within 10 % while
 * the compiler still works through its queue. In one run socks5d's last three C rounds cost 0.10 ms
 * per transaction and the measured phase that followed 0.13, with the proxy's C2 threads taking a
 * quarter of all the machine's CPU during it (a profile of another run showed the same). The load
 * generator is a JVM too: it compiles its SOCKS client while measuring the first proxy of a run (its
 * C2 threads took 15 % of the machine during microsocks' measured phase when microsocks ran alone),
 * which made the first proxy of a run look slower than the second.
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
     * stopping on the first plateau measured it 40-75 % above its steady state. Six were not enough
     * either: two instances of the same socks5d in one run, one settled after 7 C rounds (0.144-0.148
     * ms per transaction, its compiler quiet for three rounds) measured 0.170 with its compiler busy
     * again, the other after 10 rounds (0.096-0.100) measured 0.114. Methods that run less than once
     * per transaction reach the compiler's threshold only after tens of thousands of them.
     */
    static final int MIN_ROUNDS = 10;
    /** Most share of a process's CPU its JIT compiler threads may take in each of the rounds that settle a warm-up. */
    static final double COMPILER_SHARE = 0.05;
    /**
     * Compiler CPU a round may have without counting: /proc counts each thread's CPU in clock ticks
     * (10 ms), so a download round of 50 ms of proxy CPU read one tick of compiling as 20 %.
     */
    static final Duration COMPILER_SLACK = Duration.ofMillis(20);

    /** One round of load: does the work and returns how many units (transactions, bytes) it completed. */
    @FunctionalInterface
    interface Round {
        /** Runs round {@code index} (from 1). */
        long run(int index) throws InterruptedException;
    }

    private Warmup() {
    }

    /**
     * What a warm-up did: how many rounds ran, the proxy's CPU per unit (ns) of each that could be
     * measured, and in each the larger of the JIT compiler threads' shares of the proxy's and of the
     * load generator's CPU.
     */
    record Rounds(int ran, List<Double> cpuPerUnit, List<Double> compilerShare) {
        static final Rounds NONE = new Rounds(0, List.of(), List.of());
    }

    /**
     * Runs rounds until settled; stops after the first when the proxy's CPU cannot be read or a round
     * completed nothing (then there is nothing to compare). Prints one line saying what it found.
     */
    static Rounds run(int maxRounds, Watched proxy, Watched generator, Round round, Progress progress)
            throws InterruptedException {
        List<Double> perUnit = new ArrayList<>();
        List<Double> compiler = new ArrayList<>();
        int ran = 0;
        while (ran < maxRounds) {
            Sample proxyBefore = proxy.sample();
            Sample generatorBefore = generator.sample();
            long units = round.run(++ran);
            Sample proxyAfter = proxy.sample();
            Sample generatorAfter = generator.sample();
            if (proxyBefore.cpu().isEmpty() || proxyAfter.cpu().isEmpty() || units <= 0) {
                break;
            }
            perUnit.add(proxyAfter.cpu().get().minus(proxyBefore.cpu().get()).toNanos() / (double) units);
            compiler.add(Math.max(proxyBefore.compilerShareUntil(proxyAfter),
                    generatorBefore.compilerShareUntil(generatorAfter)));
            if (settled(perUnit, compiler)) {
                break;
            }
        }
        progress.note(String.format(Locale.ROOT, "warm-up: %d round(s), %s, proxy CPU per unit relative to the"
                + " first round: %s; JIT compiler share of the last round: %s", ran,
                settled(perUnit, compiler) ? "settled" : "not settled", trend(perUnit),
                compiler.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * compiler.get(compiler.size() - 1))));
        return new Rounds(ran, List.copyOf(perUnit), List.copyOf(compiler));
    }

    /** A JVM (or other process) whose CPU and JIT compiler threads' CPU a warm-up reads. */
    record Watched(Supplier<Optional<Duration>> cpu, Supplier<Optional<Duration>> compilerCpu) {
        /** Nothing to read (direct has no proxy). */
        static final Watched NOTHING = new Watched(Optional::empty, Optional::empty);

        /**
         * This JVM, the load generator, whose own compiler takes the same cores from the proxy: its own
         * threads only, not the proxy it runs as a child.
         */
        static Watched self() {
            return new Watched(() -> CpuTime.ownOf(ProcessHandle.current()), () -> CpuTime.compilerOf(ProcessHandle.current()));
        }

        Sample sample() {
            return new Sample(cpu.get(), compilerCpu.get());
        }
    }

    private record Sample(Optional<Duration> cpu, Optional<Duration> compiler) {
        /**
         * The compiler threads' share of the CPU from this sample to {@code later}, less {@link #COMPILER_SLACK};
         * 0 when either cannot be read.
         */
        double compilerShareUntil(Sample later) {
            if (cpu.isEmpty() || later.cpu.isEmpty() || compiler.isEmpty() || later.compiler.isEmpty()) {
                return 0;
            }
            long used = later.cpu.get().minus(cpu.get()).toNanos();
            long compiling = later.compiler.get().minus(compiler.get()).minus(COMPILER_SLACK).toNanos();
            return used <= 0 ? 0 : Math.max(0, compiling) / (double) used;
        }
    }

    /**
     * {@link #settled(List)}, and in each of the last {@link #SETTLED_ROUNDS} rounds the JIT compiler threads
     * of the proxy and of the load generator took at most {@link #COMPILER_SHARE} of their process's CPU
     * ({@code compilerShare}: the larger of the two, per round).
     */
    static boolean settled(List<Double> perUnit, List<Double> compilerShare) {
        int n = compilerShare.size();
        return settled(perUnit) && compilerShare.subList(Math.max(0, n - SETTLED_ROUNDS), n).stream()
                .allMatch(share -> share <= COMPILER_SHARE);
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
