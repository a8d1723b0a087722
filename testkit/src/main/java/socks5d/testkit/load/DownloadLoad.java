package socks5d.testkit.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.testkit.target.SourcePattern;
import socks5d.testkit.target.SourceServer;

/**
 * Scenarios T1 and T8: {@code streams} connections each download {@code bytesEach} bytes from a
 * {@link SourceServer} at once; the figure is total bytes over wall time, in MB/s (10^6 bytes). The
 * proxy's CPU is sampled right before the streams start and after the last one ends.
 *
 * <p>Threading: one thread per stream (at most eight), each reading its socket with large reads so the
 * load generator costs few system calls; counters are atomic.
 */
final class DownloadLoad {
    private static final Logger log = LoggerFactory.getLogger(DownloadLoad.class);
    private static final int READ_BUFFER = 256 * 1024;
    private static final long RUN_TIMEOUT_MINUTES = 30;
    private static final double MB = 1e6;

    private DownloadLoad() {
    }

    static Map<String, Object> run(Route route, InetSocketAddress source, int streams, long bytesEach,
                                   boolean verify, Progress progress, Supplier<Optional<Duration>> proxyCpu)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(streams, r -> {
            Thread t = new Thread(r, "bench-download");
            t.setDaemon(true);
            return t;
        });
        AtomicLong received = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong corrupt = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                tasks.add(pool.submit(() -> {
                    try {
                        go.await();
                        long got = download(route, source, bytesEach, verify, progress, corrupt);
                        received.addAndGet(got);
                        if (got != bytesEach) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        if (errors.incrementAndGet() == 1) {
                            log.warn("Download failed (first of this run): [{}]", e.toString());
                        } else {
                            log.debug("Download failed: [{}]", e.toString());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
            }
            Optional<Duration> cpuBefore = proxyCpu.get();
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> f : tasks) {
                try {
                    f.get(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    errors.incrementAndGet();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Optional<Duration> cpuAfter = proxyCpu.get();
            Map<String, Object> m = metrics(streams, bytesEach, received.get(), seconds, errors.get(),
                    verify ? OptionalLong.of(corrupt.get()) : OptionalLong.empty());
            CpuTime.record(m, cpuBefore, cpuAfter);
            return m;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * T1 or T8 through several targets together ({@link Interleave}): {@code slices} times every target in
     * turn downloads a {@code slices}-th of {@code bytesEach} on each of its {@code streams}. Returns each
     * leg's metrics, in the order of {@code legs}: those of {@link #run} over all its slices, plus the
     * slices' rates and their ratios to the first leg's (direct). The targets are warmed up before.
     */
    static List<Map<String, Object>> interleaved(List<Interleave.Leg> legs, int streams, long bytesEach, int slices,
                                                 boolean verify, Progress progress, Warmup.Watched generator)
            throws InterruptedException {
        long each = Math.max(1, bytesEach / slices);
        List<Interleave.Totals<Map<String, Object>>> totals = Interleave.run(legs, slices, (leg, s) -> {
            progress.begin("slice " + (s + 1) + "/" + slices + " via " + leg.name(), each * streams, "bytes");
            return run(leg.route(), leg.target(), streams, each, verify, progress, Optional::empty);
        }, m -> ((Number) m.get("bytes")).longValue(), MB, generator);
        progress.end();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Interleave.Totals<Map<String, Object>> t : totals) {
            Map<String, Object> m = metrics(streams, each * slices, t.units, t.nanos / 1e9, sum(t.slices, "errors"),
                    verify ? OptionalLong.of(sum(t.slices, "corruptStreams")) : OptionalLong.empty());
            t.putShared(m);
            Interleave.putRatios(m, t, totals.get(0));
            out.add(m);
        }
        return out;
    }

    /** The figures of {@code bytes} downloaded in {@code seconds}; {@code corruptStreams} when verified. */
    private static Map<String, Object> metrics(int streams, long bytesEach, long bytes, double seconds, long errors,
                                               OptionalLong corruptStreams) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streams", streams);
        m.put("bytesEach", bytesEach);
        m.put("bytes", bytes);
        m.put("seconds", seconds);
        m.put("MBps", bytes / MB / seconds);
        m.put("errors", errors);
        corruptStreams.ifPresent(c -> m.put("corruptStreams", c));
        return m;
    }

    private static long sum(List<Map<String, Object>> slices, String key) {
        return slices.stream().mapToLong(r -> ((Number) r.get(key)).longValue()).sum();
    }

    private static long download(Route route, InetSocketAddress source, long n, boolean verify, Progress progress,
                                 AtomicLong corrupt) throws IOException {
        try (Socket s = route.open(source)) {
            s.getOutputStream().write(SourcePattern.request(n));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[READ_BUFFER];
            SourcePattern.Verifier verifier = verify ? SourcePattern.verifier() : null;
            long got = 0;
            int r;
            while ((r = in.read(buf)) >= 0) {
                got += r;
                progress.add(r);
                if (verifier != null) {
                    verifier.update(buf, 0, r);
                }
            }
            if (verifier != null && verifier.firstMismatch() >= 0) {
                corrupt.incrementAndGet();
            }
            return got;
        }
    }
}
