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
        Warmup.Rounds warm = warmUp(route, echo, warmup, warmupRounds, concurrency, progress, proxy, generator, "");
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
        Map<String, Object> m = metrics(transactions, concurrency, lat, b.errors, seconds);
        CpuTime.record(m, cpuBefore, cpuAfter);
        CpuTime.recordCompiler(m, compilerBefore, compilerAfter);
        if (generatorBefore.isPresent() && generatorAfter.isPresent() && lat.length > 0) {
            // the same requests for every proxy: it moves with the machine, and with how the proxy answers them
            m.put(GENERATOR_CPU_MS_PER_TX, generatorAfter.get().minus(generatorBefore.get()).toNanos() / 1e6 / lat.length);
        }
        putWarmup(m, warm);
        return m;
    }

    /** Warm-up rounds of {@code warmup} transactions until {@link Warmup} finds the proxy settled; none when either is 0. */
    private static Warmup.Rounds warmUp(Route route, InetSocketAddress echo, int warmup, int rounds, int concurrency,
                                        Progress progress, Warmup.Watched proxy, Warmup.Watched generator,
                                        String via) throws InterruptedException {
        if (warmup <= 0 || rounds <= 0) {
            return Warmup.Rounds.NONE;
        }
        return Warmup.run(rounds, proxy, generator, round -> {
            progress.begin("warm-up round " + round + via + ": " + warmup + " transactions", warmup, "tx");
            return batch(route, echo, warmup, concurrency, progress).latencies.length;
        }, progress);
    }

    /** The figures of {@code transactions} run in {@code seconds}: {@code sortedLatencies} of those that completed. */
    private static Map<String, Object> metrics(int transactions, int concurrency, long[] sortedLatencies, long errors,
                                               double seconds) {
        long[] lat = sortedLatencies;
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
        return m;
    }

    private static void putWarmup(Map<String, Object> m, Warmup.Rounds warm) {
        m.put("warmupRounds", warm.ran());
        m.put("warmupCpuMsPerTx", warm.cpuPerUnit().stream().map(nanos -> nanos / 1e6).toList());
        m.put("warmupCompilerShare", warm.compilerShare());
    }

    /**
     * Scenario C through several targets together ({@link Interleave}): each target is warmed up as in
     * {@link #run}, then {@code slices} times every target in turn runs its share of {@code transactions}.
     * Returns each leg's metrics, in the order of {@code legs}: those of {@link #run} over all its slices,
     * plus the slices' rates and their ratios to the first leg's (direct).
     */
    static List<Map<String, Object>> interleaved(List<Interleave.Leg> legs, int transactions, int warmup, int slices,
                                                 int concurrency, Progress progress, Warmup.Watched generator)
            throws InterruptedException {
        List<Warmup.Rounds> warm = new ArrayList<>();
        for (Interleave.Leg leg : legs) {
            warm.add(warmUp(leg.route(), leg.target(), warmup, leg.warmupRounds(), concurrency, progress, leg.proxy(),
                    generator, " via " + leg.name()));
        }
        int each = Math.max(1, transactions / slices);
        List<Interleave.Totals<Batch>> totals = Interleave.run(legs, slices, (leg, s) -> {
            progress.begin("slice " + (s + 1) + "/" + slices + " via " + leg.name() + ": " + each
                    + " transactions at concurrency " + concurrency, each, "tx");
            return batch(leg.route(), leg.target(), each, concurrency, progress);
        }, b -> b.latencies.length, 1, generator);
        progress.end();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++) {
            Interleave.Totals<Batch> t = totals.get(i);
            long[] lat = t.slices.stream().flatMapToLong(b -> Arrays.stream(b.latencies)).sorted().toArray();
            Map<String, Object> m = metrics(each * slices, concurrency, lat,
                    t.slices.stream().mapToLong(Batch::errors).sum(), t.nanos / 1e9);
            t.putShared(m).filter(g -> lat.length > 0)
                    .ifPresent(g -> m.put(GENERATOR_CPU_MS_PER_TX, g.toNanos() / 1e6 / lat.length));
            Interleave.putRatios(m, t, totals.get(0));
            putWarmup(m, warm.get(i));
            out.add(m);
        }
        return out;
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
