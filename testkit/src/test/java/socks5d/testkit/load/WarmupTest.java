package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class WarmupTest {

    /** A progress printer whose lines nobody reads. */
    private static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** CPU read from a counter of nanoseconds. */
    private static Supplier<Optional<Duration>> nanos(AtomicLong counter) {
        return () -> Optional.of(Duration.ofNanos(counter.get()));
    }

    /** A process whose CPU and compiler CPU are these counters. */
    private static Warmup.Watched watched(AtomicLong cpu, AtomicLong compiler) {
        return new Warmup.Watched(nanos(cpu), nanos(compiler));
    }

    /** A process whose CPU is this counter and whose compiler cannot be read. */
    private static Warmup.Watched cpuOnly(AtomicLong cpu) {
        return new Warmup.Watched(nanos(cpu), Optional::empty);
    }

    /** {@code tail} after enough early rounds (2.0 each) to make {@link Warmup#MIN_ROUNDS} with it. */
    private static List<Double> afterEarlyRounds(Double... tail) {
        List<Double> rounds = new ArrayList<>(Collections.nCopies(Math.max(0, Warmup.MIN_ROUNDS - tail.length), 2.0));
        rounds.addAll(List.of(tail));
        return rounds;
    }

    @Test
    void settledAfterTheLeastRoundsWhenThreeInARowAreWithinTenPerCent() {
        assertEquals(10, Warmup.MIN_ROUNDS);
        assertFalse(Warmup.settled(List.of()));
        assertFalse(Warmup.settled(List.of(1.0)));
        assertFalse(Warmup.settled(Collections.nCopies(Warmup.MIN_ROUNDS - 1, 0.7)));
        assertTrue(Warmup.settled(Collections.nCopies(Warmup.MIN_ROUNDS, 0.7)));
        assertFalse(Warmup.settled(afterEarlyRounds(1.0, 0.7, 0.6, 0.5, 0.7, 0.65)));
        List<Double> eleven = new ArrayList<>(afterEarlyRounds(1.0, 0.7, 0.6, 0.5, 0.7, 0.65));
        eleven.add(0.68);
        assertTrue(Warmup.settled(eleven));
        assertTrue(Warmup.settled(afterEarlyRounds(1.0, 1.0, 1.0, 0.65, 0.7, 0.72)));
        assertFalse(Warmup.settled(afterEarlyRounds(1.0, 1.0, 1.0, 0.64, 0.70, 0.72)));
        assertTrue(Warmup.settled(Collections.nCopies(Warmup.MIN_ROUNDS, 0.0)));
    }

    @Test
    void notSettledWhileTheCompilerTakesMoreThanItsShareOfAnyOfTheLastThreeRounds() {
        List<Double> flat = Collections.nCopies(Warmup.MIN_ROUNDS, 0.7);
        assertTrue(Warmup.settled(flat, List.of()));
        assertTrue(Warmup.settled(flat, afterEarlyRounds(0.5, 0.3, 0.2, 0.1, 0.05, 0.04, 0.05)));
        assertFalse(Warmup.settled(flat, afterEarlyRounds(0.0, 0.0, 0.06)));
        assertFalse(Warmup.settled(flat, afterEarlyRounds(0.06, 0.0, 0.0)));
        assertTrue(Warmup.settled(flat, afterEarlyRounds(0.06, 0.0, 0.0, 0.0)));
        assertFalse(Warmup.settled(afterEarlyRounds(1.0, 0.7, 0.6, 0.5, 0.7, 0.65),
                Collections.nCopies(Warmup.MIN_ROUNDS, 0.0)));
    }

    @Test
    void roundsRunWhileTheCompilerIsBusyEvenOnceTheCpuPerUnitIsFlat() throws InterruptedException {
        // Flat CPU per unit from the start, but a quarter of it is the compiler's until round 12.
        AtomicLong cpuNanos = new AtomicLong();
        AtomicLong compilerNanos = new AtomicLong();
        AtomicInteger rounds = new AtomicInteger();
        try (Progress progress = quiet()) {
            Warmup.Rounds warm = Warmup.run(24, watched(cpuNanos, compilerNanos), Warmup.Watched.NOTHING, round -> {
                        rounds.incrementAndGet();
                        cpuNanos.addAndGet(1_000_000_000);
                        // from round 12 on, 30 ms: 20 of them are the clock ticks' slack
                        compilerNanos.addAndGet(round < 12 ? 270_000_000 : 30_000_000);
                        return 1_000;
                    }, progress);
            assertEquals(14, warm.ran()); // three quiet rounds: 12, 13 and 14
            assertEquals(14, rounds.get());
            assertEquals(0.25, warm.compilerShare().get(10), 1e-9);
            assertEquals(0.01, warm.compilerShare().get(11), 1e-9);
        }
    }

    @Test
    void twoClockTicksOfCompilingInARoundDoNotCount() throws InterruptedException {
        AtomicLong cpuNanos = new AtomicLong();
        AtomicLong compilerNanos = new AtomicLong();
        try (Progress progress = quiet()) {
            // 50 ms of CPU a round, 20 of them compiling (two ticks): settled after the least rounds, all the same
            Warmup.Rounds warm = Warmup.run(24, watched(cpuNanos, compilerNanos), Warmup.Watched.NOTHING, round -> {
                        cpuNanos.addAndGet(50_000_000);
                        compilerNanos.addAndGet(20_000_000);
                        return 1_000;
                    }, progress);
            assertEquals(Warmup.MIN_ROUNDS, warm.ran());
            assertEquals(0.0, warm.compilerShare().get(Warmup.MIN_ROUNDS - 1), 1e-9);
        }
    }

    @Test
    void roundsRunWhileTheLoadGeneratorsOwnCompilerIsBusy() throws InterruptedException {
        // The proxy is flat and quiet from the start (a proxy written in C); the generator's compiler
        // takes a fifth of its CPU until round 12.
        AtomicLong proxyNanos = new AtomicLong();
        AtomicLong generatorNanos = new AtomicLong();
        AtomicLong generatorCompilerNanos = new AtomicLong();
        try (Progress progress = quiet()) {
            Warmup.Rounds warm = Warmup.run(24,
                    watched(proxyNanos, new AtomicLong()),
                    watched(generatorNanos, generatorCompilerNanos), round -> {
                        proxyNanos.addAndGet(1_000_000_000);
                        generatorNanos.addAndGet(2_000_000_000);
                        generatorCompilerNanos.addAndGet(round < 12 ? 420_000_000 : 0);
                        return 1_000;
                    }, progress);
            assertEquals(14, warm.ran());
            assertEquals(0.2, warm.compilerShare().get(10), 1e-9);
            assertEquals(0.0, warm.compilerShare().get(11), 1e-9);
        }
    }

    @Test
    void roundsRunUntilTheCpuPerUnitSettles() throws InterruptedException {
        // CPU per unit of a JIT warming up: plateaus at 0.7 and 0.6, then 0.48 and flat.
        double[] cost = {1.0, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.5, 0.48, 0.46, 0.48, 0.48};
        AtomicLong cpuNanos = new AtomicLong();
        AtomicInteger rounds = new AtomicInteger();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        try (Progress progress = new Progress(new PrintStream(lines, true, StandardCharsets.UTF_8))) {
            Warmup.Rounds warm = Warmup.run(24, cpuOnly(cpuNanos),
                    Warmup.Watched.NOTHING, round -> {
                rounds.incrementAndGet();
                cpuNanos.addAndGet((long) (cost[round - 1] * 1_000_000));
                return 1_000_000;
            }, progress);
            assertEquals(10, rounds.get());
            assertEquals(10, warm.ran());
            assertEquals(List.of(1.0, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.5, 0.48, 0.46), warm.cpuPerUnit());
        }
        assertTrue(lines.toString(StandardCharsets.UTF_8).contains(
                "warm-up: 10 round(s), settled, proxy CPU per unit relative to the first round: 1.00 0.70 0.70 0.70 0.60 0.60 0.60"
                        + " 0.50 0.48 0.46;"
                        + " JIT compiler share of the last round: 0 %"),
                lines.toString(StandardCharsets.UTF_8));
    }

    @Test
    void atMostTheGivenRoundsAndOneWhenTheCpuCannotBeRead() throws InterruptedException {
        AtomicLong cpuNanos = new AtomicLong();
        AtomicInteger rounds = new AtomicInteger();
        try (Progress progress = quiet()) {
            // Halves every round: never settles.
            Warmup.Rounds warm = Warmup.run(5, cpuOnly(cpuNanos),
                    Warmup.Watched.NOTHING, round -> {
                rounds.incrementAndGet();
                cpuNanos.addAndGet(1_000_000L >> round);
                return 1;
            }, progress);
            assertEquals(5, rounds.get());
            assertEquals(new Warmup.Rounds(5, warm.cpuPerUnit(), List.of(0.0, 0.0, 0.0, 0.0, 0.0)), warm);
            assertEquals(5, warm.cpuPerUnit().size());

            rounds.set(0);
            assertEquals(new Warmup.Rounds(1, List.of(), List.of()), Warmup.run(5, Warmup.Watched.NOTHING, Warmup.Watched.NOTHING, round -> {
                rounds.incrementAndGet();
                return 10;
            }, progress));
            assertEquals(1, rounds.get());

            // A round that completed nothing (every transaction failed) gives nothing to compare.
            rounds.set(0);
            assertEquals(new Warmup.Rounds(1, List.of(), List.of()), Warmup.run(5,
                    cpuOnly(cpuNanos),
                    Warmup.Watched.NOTHING, round -> {
                        rounds.incrementAndGet();
                        return 0;
                    }, progress));
            assertEquals(1, rounds.get());
        }
    }
}
