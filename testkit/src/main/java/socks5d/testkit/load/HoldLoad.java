package socks5d.testkit.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario H: opens {@code n} connections to an EchoServer (through the route), each echoing a short
 * message at start; holds them all for the hold time; samples the proxy's resident memory while holding;
 * then echoes again on each and counts the survivors.
 *
 * <p>Threading: a bounded pool opens and checks the connections (blocking sockets need no thread while
 * idle, so holding thousands costs only file descriptors); the benchmark thread waits out the hold.
 */
final class HoldLoad {
    private static final Logger log = LoggerFactory.getLogger(HoldLoad.class);
    private static final byte[] HELLO = "hold-start\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYE = "hold-end!!\n".getBytes(StandardCharsets.US_ASCII);
    private static final long PHASE_TIMEOUT_MINUTES = 10;
    private static final double KIB_PER_MIB = 1024.0;

    private HoldLoad() {
    }

    static Map<String, Object> run(Route route, InetSocketAddress echo, int n, Duration hold, int concurrency,
                                   Supplier<Optional<ProxyProcess.Memory>> memory, Runnable resetPeakMemory,
                                   Progress progress)
            throws InterruptedException {
        Socket[] sockets = new Socket[n];
        // The peak (VmHWM) is the proxy's while opening and holding, not of earlier scenarios.
        resetPeakMemory.run();
        AtomicLong errors = new AtomicLong();
        try {
            progress.begin("opening " + n + " connections", n, "connections");
            long setupStart = System.nanoTime();
            forEach(n, concurrency, i -> {
                Socket s = route.open(echo);
                try {
                    echoOnce(s, HELLO);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                sockets[i] = s;
            }, errors, progress);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            int established = (int) Arrays.stream(sockets).filter(s -> s != null && !s.isClosed()).count();

            progress.begin("holding " + established + " connections for " + hold.toMillis() + " ms", 0, "");
            Optional<ProxyProcess.Memory> held = waitAndSample(hold, memory);
            progress.begin("checking " + established + " connections", established, "connections");
            AtomicLong lost = new AtomicLong();
            AtomicInteger survived = new AtomicInteger();
            forEach(n, concurrency, i -> {
                Socket s = sockets[i];
                if (s == null || s.isClosed()) {
                    return;
                }
                echoOnce(s, BYE);
                survived.incrementAndGet();
            }, lost, progress);

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requested", n);
            m.put("established", established);
            m.put("survived", survived.get());
            m.put("errors", errors.get() + lost.get());
            m.put("setupSeconds", setupSeconds);
            m.put("holdSeconds", hold.toMillis() / 1e3);
            held.ifPresent(mem -> {
                m.put("vmRssMiB", mem.vmRssKiB() / KIB_PER_MIB);
                m.put("vmHwmMiB", mem.vmHwmKiB() / KIB_PER_MIB);
            });
            return m;
        } finally {
            for (Socket s : sockets) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        log.trace("Close failed", e);
                    }
                }
            }
        }
    }

    /** Waits out the hold and samples memory at its end, when every connection is established and idle. */
    private static Optional<ProxyProcess.Memory> waitAndSample(Duration hold,
                                                               Supplier<Optional<ProxyProcess.Memory>> memory)
            throws InterruptedException {
        long deadline = System.nanoTime() + hold.toNanos();
        Object monitor = new Object();
        synchronized (monitor) {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                // nothing notifies the monitor: this is a bounded wait for the hold time
                monitor.wait(Math.max(1, left / 1_000_000));
            }
        }
        return memory.get();
    }

    private interface Step {
        void run(int i) throws IOException;
    }

    private static void forEach(int n, int concurrency, Step step, AtomicLong errors, Progress progress)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(n, concurrency)), r -> {
            Thread t = new Thread(r, "bench-hold");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger next = new AtomicInteger();
        try {
            for (int t = 0; t < Math.max(1, Math.min(n, concurrency)); t++) {
                pool.execute(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        try {
                            step.run(i);
                        } catch (IOException e) {
                            log.debug("Held connection failed: [{}]", e.toString());
                            errors.incrementAndGet();
                        }
                        progress.add(1);
                    }
                });
            }
        } finally {
            pool.shutdown();
        }
        if (!pool.awaitTermination(PHASE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            pool.shutdownNow();
        }
    }

    private static void echoOnce(Socket s, byte[] msg) throws IOException {
        s.getOutputStream().write(msg);
        byte[] back = new byte[msg.length];
        Route.readFully(s, back);
        if (!Arrays.equals(msg, back)) {
            throw new IOException("echo differs");
        }
    }
}
