package socks5d.testkit.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Measures several targets in the same moments of a shared machine ({@code --interleave}): in each of
 * {@code slices} rounds every target in turn runs one slice of the scenario, the order turned by one
 * each round. On this kind of machine the CPU a unit of work costs every process moves by up to a
 * factor of two from one phase of a few seconds to the next; measured one after the other, two proxies
 * compared the machine's moments more than the proxies. Per target it sums the wall time, the proxy's
 * CPU and its JIT compiler's, the load generator's own CPU and the machine's busy and idle time, and
 * keeps each slice's result and rate. The first target is the reference the ratios are taken to
 * (direct).
 *
 * <p>Runs on the benchmark thread; the slices bring their own threads.
 */
final class Interleave {
    /** Metrics key: each slice's headline rate (tx/s or MB/s), in slice order. */
    static final String SLICE_RATES = "sliceRates";
    /** Metrics key: each slice's rate over the reference's (direct's) in the same slice. */
    static final String SLICE_RATIOS = "sliceRatiosToDirect";
    /** Metrics key: the share of the machine's CPU time (all cores) left idle during the target's slices. */
    static final String MACHINE_IDLE_PERCENT = "machineIdlePercent";

    private Interleave() {
    }

    /**
     * One target: its name, the route through it, the target server it reaches (each proxy's C gets an
     * echo server of its own), the CPU to read ({@link Warmup.Watched#NOTHING} for direct) and the most
     * C warm-up rounds it gets.
     */
    record Leg(String name, Route route, InetSocketAddress target, Warmup.Watched proxy, int warmupRounds) {
    }

    /** One slice of the scenario through one leg. */
    @FunctionalInterface
    interface Slice<T> {
        T run(Leg leg, int slice) throws InterruptedException;
    }

    /** One leg's slices added up; the scenario reads the fields to make its figures. Benchmark thread only. */
    static final class Totals<T> {
        final List<T> slices = new ArrayList<>();
        final List<Double> rates = new ArrayList<>();
        long units;
        long nanos;
        Optional<Duration> cpu = Optional.of(Duration.ZERO);
        Optional<Duration> compiler = Optional.of(Duration.ZERO);
        Optional<Duration> generator = Optional.of(Duration.ZERO);
        long machineBusy;
        long machineIdle;

        /**
         * Puts the figures every interleaved scenario shares into {@code m}: wall seconds, the proxy's CPU
         * and its compiler's ({@link CpuTime}), the machine's idle share and each slice's rate; returns the
         * load generator's own CPU over the leg's slices, if it could be read.
         */
        Optional<Duration> putShared(Map<String, Object> m) {
            m.put("seconds", nanos / 1e9);
            cpu.ifPresent(c -> m.put(CpuTime.CPU_SECONDS, c.toNanos() / 1e9));
            compiler.ifPresent(c -> m.put(CpuTime.COMPILER_SECONDS, c.toNanos() / 1e9));
            if (machineBusy + machineIdle > 0) {
                m.put(MACHINE_IDLE_PERCENT, 100.0 * machineIdle / (machineBusy + machineIdle));
            }
            m.put(SLICE_RATES, List.copyOf(rates));
            return generator;
        }

        private void add(T slice, long sliceUnits, double perSecond, long sliceNanos, Optional<Duration> sliceCpu,
                         Optional<Duration> sliceCompiler, Optional<Duration> sliceGenerator,
                         Optional<long[]> before, Optional<long[]> after) {
            slices.add(slice);
            rates.add(sliceUnits / perSecond / (sliceNanos / 1e9));
            units += sliceUnits;
            nanos += sliceNanos;
            cpu = sum(cpu, sliceCpu);
            compiler = sum(compiler, sliceCompiler);
            generator = sum(generator, sliceGenerator);
            if (before.isPresent() && after.isPresent()) {
                machineBusy += after.get()[0] - before.get()[0];
                machineIdle += after.get()[1] - before.get()[1];
            }
        }

        private static Optional<Duration> sum(Optional<Duration> a, Optional<Duration> b) {
            return a.isPresent() && b.isPresent() ? Optional.of(a.get().plus(b.get())) : Optional.empty();
        }
    }

    /**
     * Runs {@code slices} rounds over {@code legs}; {@code units} says how many units (transactions,
     * bytes) a slice's result completed, {@code perSecond} how many of them make the rate's unit
     * (1 for tx/s, 10^6 for MB/s). Returns one {@link Totals} per leg, in the order of {@code legs}.
     */
    static <T> List<Totals<T>> run(List<Leg> legs, int slices, Slice<T> slice, ToLongFunction<T> units,
                                   double perSecond, Warmup.Watched generator) throws InterruptedException {
        List<Totals<T>> totals = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++) {
            totals.add(new Totals<>());
            order.add(i);
        }
        for (int s = 0; s < slices; s++) {
            for (int i : Benchmark.turned(order, s)) {
                Leg leg = legs.get(i);
                Optional<Duration> cpuBefore = leg.proxy().cpu().get();
                Optional<Duration> compilerBefore = leg.proxy().compilerCpu().get();
                Optional<Duration> generatorBefore = generator.cpu().get();
                Optional<long[]> machineBefore = CpuTime.machine();
                long start = System.nanoTime();
                T result = slice.run(leg, s);
                long nanos = System.nanoTime() - start;
                Optional<long[]> machineAfter = CpuTime.machine();
                totals.get(i).add(result, units.applyAsLong(result), perSecond, nanos,
                        delta(cpuBefore, leg.proxy().cpu().get()),
                        delta(compilerBefore, leg.proxy().compilerCpu().get()),
                        delta(generatorBefore, generator.cpu().get()), machineBefore, machineAfter);
            }
        }
        return totals;
    }

    /**
     * Puts each slice's rate over the reference leg's in the same slice ({@link #SLICE_RATIOS}) and their
     * median ({@link Passes#MEDIAN_RATIO}) into {@code m}.
     */
    static void putRatios(Map<String, Object> m, Totals<?> leg, Totals<?> reference) {
        List<Double> ratios = new ArrayList<>();
        for (int k = 0; k < leg.rates.size() && k < reference.rates.size(); k++) {
            double r = leg.rates.get(k) / reference.rates.get(k);
            if (!Double.isNaN(r) && !Double.isInfinite(r)) {
                ratios.add(r);
            }
        }
        m.put(SLICE_RATIOS, ratios);
        if (!ratios.isEmpty()) {
            m.put(Passes.MEDIAN_RATIO, Passes.median(ratios));
        }
    }

    private static Optional<Duration> delta(Optional<Duration> before, Optional<Duration> after) {
        return before.isPresent() && after.isPresent() ? Optional.of(after.get().minus(before.get())) : Optional.empty();
    }
}
