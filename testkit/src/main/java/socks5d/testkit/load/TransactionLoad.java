package socks5d.testkit.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario C: transactions at a fixed concurrency, each: connect (through the route: greeting, RFC 1929
 * authentication, CONNECT), 64 bytes echoed by an EchoServer, close. Warm-up rounds run first and are
 * not counted, until the proxy's CPU per transaction has settled ({@link Warmup}: a JVM proxy's compiler
 * works for tens of seconds under a new load); the proxy's CPU is sampled right before and after the
 * counted batch, so the warm-up's is left out too.
 *
 * <p>Threading: a bounded pool of {@code concurrency} threads, each with its own latency array (no shared
 * lock on the hot path); they are merged at the end.
 */
final class TransactionLoad {
    private static final Logger log = LoggerFactory.getLogger(TransactionLoad.class);
    static final int PAYLOAD = 64;
    private static final long RUN_TIMEOUT_MINUTES = 30;
    private static final double PERCENTILE_50 = 0.50;
    private static final double PERCENTILE_99 = 0.99;

    /** Metrics key: the load generator's own CPU (this JVM, every thread) per completed transaction, ms. */
    static final String GENERATOR_CPU_MS_PER_TX = "generatorCpuMsPerTx";

    private TransactionLoad() {
    }

    static Map<String, Object> run(Route route, InetSocketAddress echo, int transactions, int warmup,
                                   int warmupRounds, int concurrency, Progress progress,
                                   Warmup.Watched proxy, Warmup.Watched generator)
            throws InterruptedException {
        Warmup.Rounds warm = Warmup.Rounds.NONE;
        if (warmup > 0 && warmupRounds > 0) {
            warm = Warmup.run(warmupRounds, proxy, generator, round -> {
                progress.begin("warm-up round " + round + ": " + warmup + " transactions", warmup, "tx");
                return batch(route, echo, warmup, concurrency, progress).latencies.length;
            }, progress);
        }
        progress.begin(transactions + " transactions at concurrency " + concurrency, transactions, "tx");
        Optional<Duration> cpuBefore = proxy.cpu().get();
        Optional<Duration> generatorBefore = generator.cpu().get();
        Optional<Duration> compilerBefore = proxy.compilerCpu().get();
        long start = System.nanoTime();
        Batch b = batch(route, echo, transactions, concurrency, progress);
        double seconds = (System.nanoTime() - start) / 1e9;
        Optional<Duration> cpuAfter = proxy.cpu().get();
        Optional<Duration> generatorAfter = generator.cpu().get();
        Optional<Duration> compilerAfter = proxy.compilerCpu().get();
        long[] lat = b.latencies;
        Arrays.sort(lat);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transactions", transactions);
        m.put("concurrency", concurrency);
        m.put("ok", lat.length);
        m.put("errors", b.errors);
        m.put("seconds", seconds);
        m.put("txPerSec", lat.length / seconds);
        m.put("p50Ms", percentile(lat, PERCENTILE_50));
        m.put("p99Ms", percentile(lat, PERCENTILE_99));
        m.put("maxMs", lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6);
        CpuTime.record(m, cpuBefore, cpuAfter);
        CpuTime.recordCompiler(m, compilerBefore, compilerAfter);
        if (generatorBefore.isPresent() && generatorAfter.isPresent() && lat.length > 0) {
            // the same requests for every proxy: it moves with the machine, and with how the proxy answers them
            m.put(GENERATOR_CPU_MS_PER_TX, generatorAfter.get().minus(generatorBefore.get()).toNanos() / 1e6 / lat.length);
        }
        m.put("warmupRounds", warm.ran());
        m.put("warmupCpuMsPerTx", warm.cpuPerUnit().stream().map(nanos -> nanos / 1e6).toList());
        m.put("warmupCompilerShare", warm.compilerShare());
        return m;
    }

    /** Metrics key of an interleaved C: each slice's transactions per second, in slice order. */
    static final String SLICE_TX_PER_SEC = "sliceTxPerSec";
    /** Metrics key of an interleaved C: the share of the machine's CPU time (all cores) left idle during its slices. */
    static final String MACHINE_IDLE_PERCENT = "machineIdlePercent";
    /** Metrics key of an interleaved C: each slice's rate over direct's in the same slice. */
    static final String SLICE_RATIOS = "sliceRatiosToDirect";

    /**
     * One target of an interleaved C: its name, the route through it, the echo target it reaches, the
     * CPU to read ({@link Warmup.Watched#NOTHING} for direct) and the most warm-up rounds it gets.
     */
    record Leg(String name, Route route, InetSocketAddress echo, Warmup.Watched proxy, int warmupRounds) {
    }

    /**
     * Scenario C for several targets together, so that each is measured in the same moments of the machine:
     * each target is warmed up (as in {@link #run}), then {@code slices} times every target in turn runs
     * its share of {@code transactions}, the order turned by one each slice. On a shared machine the CPU a
     * transaction costs every process moves by up to a factor of two from one phase of a few seconds to
     * the next; measured apart, two proxies' rates compared the machine's moments more than the proxies.
     * The first leg is the reference the ratios are taken to (direct). Returns each leg's metrics, in
     * the order of {@code legs}: those of {@link #run} over all its slices, plus {@link #SLICE_TX_PER_SEC},
     * {@link #SLICE_RATIOS} and their median as {@link Passes#MEDIAN_RATIO}.
     */
    static List<Map<String, Object>> interleaved(List<Leg> legs, int transactions, int warmup, int slices,
                                                 int concurrency, Progress progress, Warmup.Watched generator)
            throws InterruptedException {
        List<Warmup.Rounds> warm = new ArrayList<>();
        for (Leg leg : legs) {
            Warmup.Rounds rounds = Warmup.Rounds.NONE;
            if (warmup > 0 && leg.warmupRounds() > 0) {
                progress.note("warm-up of " + leg.name());
                rounds = Warmup.run(leg.warmupRounds(), leg.proxy(), generator, round -> {
                    progress.begin("warm-up round " + round + " via " + leg.name() + ": " + warmup + " transactions",
                            warmup, "tx");
                    return batch(leg.route(), leg.echo(), warmup, concurrency, progress).latencies.length;
                }, progress);
            }
            warm.add(rounds);
        }
        int each = Math.max(1, transactions / slices);
        List<Tally> tallies = new ArrayList<>();
        legs.forEach(l -> tallies.add(new Tally()));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++) {
            order.add(i);
        }
        for (int slice = 0; slice < slices; slice++) {
            for (int i : Benchmark.turned(order, slice)) {
                Leg leg = legs.get(i);
                progress.begin("slice " + (slice + 1) + "/" + slices + " via " + leg.name() + ": " + each
                        + " transactions at concurrency " + concurrency, each, "tx");
                Optional<Duration> cpuBefore = leg.proxy().cpu().get();
                Optional<Duration> compilerBefore = leg.proxy().compilerCpu().get();
                Optional<Duration> generatorBefore = generator.cpu().get();
                Optional<long[]> machineBefore = CpuTime.machine();
                long start = System.nanoTime();
                Batch b = batch(leg.route(), leg.echo(), each, concurrency, progress);
                long nanos = System.nanoTime() - start;
                tallies.get(i).machine(machineBefore, CpuTime.machine());
                tallies.get(i).add(b, nanos, delta(cpuBefore, leg.proxy().cpu().get()),
                        delta(compilerBefore, leg.proxy().compilerCpu().get()),
                        delta(generatorBefore, generator.cpu().get()));
            }
        }
        progress.end();
        List<Map<String, Object>> out = new ArrayList<>();
        List<Double> reference = tallies.get(0).rates;
        for (int i = 0; i < legs.size(); i++) {
            Tally t = tallies.get(i);
            Map<String, Object> m = t.metrics(each * slices, concurrency);
            List<Double> ratios = new ArrayList<>();
            for (int k = 0; k < t.rates.size(); k++) {
                double r = t.rates.get(k) / reference.get(k);
                if (!Double.isNaN(r) && !Double.isInfinite(r)) {
                    ratios.add(r);
                }
            }
            m.put(SLICE_RATIOS, ratios);
            if (!ratios.isEmpty()) {
                m.put(Passes.MEDIAN_RATIO, Passes.median(ratios));
            }
            Warmup.Rounds w = warm.get(i);
            m.put("warmupRounds", w.ran());
            m.put("warmupCpuMsPerTx", w.cpuPerUnit().stream().map(nanos -> nanos / 1e6).toList());
            m.put("warmupCompilerShare", w.compilerShare());
            out.add(m);
        }
        return out;
    }

    private static Optional<Duration> delta(Optional<Duration> before, Optional<Duration> after) {
        return before.isPresent() && after.isPresent() ? Optional.of(after.get().minus(before.get())) : Optional.empty();
    }

    /** One leg's slices added up. Benchmark thread only. */
    private static final class Tally {
        private final List<long[]> latencies = new ArrayList<>();
        private final List<Double> rates = new ArrayList<>();
        private long errors;
        private long nanos;
        private Optional<Duration> cpu = Optional.of(Duration.ZERO);
        private Optional<Duration> compiler = Optional.of(Duration.ZERO);
        private Optional<Duration> generator = Optional.of(Duration.ZERO);
        private long machineBusy;
        private long machineIdle;

        void machine(Optional<long[]> before, Optional<long[]> after) {
            if (before.isPresent() && after.isPresent()) {
                machineBusy += after.get()[0] - before.get()[0];
                machineIdle += after.get()[1] - before.get()[1];
            }
        }

        void add(Batch b, long sliceNanos, Optional<Duration> sliceCpu, Optional<Duration> sliceCompiler,
                 Optional<Duration> sliceGenerator) {
            latencies.add(b.latencies);
            rates.add(b.latencies.length / (sliceNanos / 1e9));
            errors += b.errors;
            nanos += sliceNanos;
            cpu = sum(cpu, sliceCpu);
            compiler = sum(compiler, sliceCompiler);
            generator = sum(generator, sliceGenerator);
        }

        private static Optional<Duration> sum(Optional<Duration> a, Optional<Duration> b) {
            return a.isPresent() && b.isPresent() ? Optional.of(a.get().plus(b.get())) : Optional.empty();
        }

        Map<String, Object> metrics(int transactions, int concurrency) {
            long[] lat = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            double seconds = nanos / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("transactions", transactions);
            m.put("concurrency", concurrency);
            m.put("ok", lat.length);
            m.put("errors", errors);
            m.put("seconds", seconds);
            m.put("txPerSec", lat.length / seconds);
            m.put("p50Ms", percentile(lat, PERCENTILE_50));
            m.put("p99Ms", percentile(lat, PERCENTILE_99));
            m.put("maxMs", lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6);
            CpuTime.record(m, cpu.map(c -> Duration.ZERO), cpu);
            CpuTime.recordCompiler(m, compiler.map(c -> Duration.ZERO), compiler);
            generator.filter(g -> lat.length > 0)
                    .ifPresent(g -> m.put(GENERATOR_CPU_MS_PER_TX, g.toNanos() / 1e6 / lat.length));
            if (machineBusy + machineIdle > 0) {
                // a proxy that leaves the machine idle waits for something other than the CPU
                m.put(MACHINE_IDLE_PERCENT, 100.0 * machineIdle / (machineBusy + machineIdle));
            }
            m.put(SLICE_TX_PER_SEC, List.copyOf(rates));
            return m;
        }
    }

    private record Batch(long[] latencies, long errors) {
    }

    private static Batch batch(Route route, InetSocketAddress echo, int n, int concurrency, Progress progress)
            throws InterruptedException {
        int threads = Math.max(1, Math.min(concurrency, n));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-tx");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger tickets = new AtomicInteger(n);
        AtomicLong errors = new AtomicLong();
        long[][] perThread = new long[threads][];
        int[] counts = new int[threads];
        byte[] payload = new byte[PAYLOAD];
        Arrays.fill(payload, (byte) 'x');
        try {
            for (int t = 0; t < threads; t++) {
                int me = t;
                perThread[me] = new long[n / threads + 1];
                pool.execute(() -> {
                    byte[] back = new byte[PAYLOAD];
                    while (tickets.getAndDecrement() > 0) {
                        long t0 = System.nanoTime();
                        try {
                            transaction(route, echo, payload, back);
                            long[] mine = perThread[me];
                            if (counts[me] == mine.length) {
                                perThread[me] = mine = Arrays.copyOf(mine, mine.length * 2);
                            }
                            mine[counts[me]++] = System.nanoTime() - t0;
                        } catch (IOException e) {
                            if (errors.incrementAndGet() == 1) {
                                log.warn("Transaction failed (first of this run): [{}]", e.toString());
                            } else {
                                log.debug("Transaction failed: [{}]", e.toString());
                            }
                        }
                        progress.add(1);
                    }
                });
            }
        } finally {
            pool.shutdown();
        }
        if (!pool.awaitTermination(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            pool.shutdownNow();
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(perThread[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        return new Batch(all, errors.get());
    }

    private static void transaction(Route route, InetSocketAddress echo, byte[] payload, byte[] back)
            throws IOException {
        try (Socket s = route.open(echo)) {
            OutputStream out = s.getOutputStream();
            out.write(payload);
            Route.readFully(s, back);
            if (!Arrays.equals(payload, back)) {
                throw new IOException("echo differs");
            }
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
