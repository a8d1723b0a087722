package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * Many short sessions (authenticate, CONNECT, 16 bytes echoed, close) through a socks5d
 * child; descriptors, the heap after a full GC and resident memory are sampled after the first
 * tenth, at the middle and at the end, and must not grow. Sizes: {@code -Dsocks5d.soak.sessions}
 * (CI 10,000) and {@code -Dsocks5d.soak.threads} (4).
 */
@Timeout(value = 6, unit = TimeUnit.HOURS)
class SoakIT {
    private static final long FD_MARGIN = 10;
    private static final long HEAP_MARGIN_KIB = 16 * 1024;
    private static final long RSS_MARGIN_KIB = 64 * 1024;

    @Test
    void shortSessionsLeaveNoDescriptorOrMemoryGrowth() throws Exception {
        int sessions = Socks5dChild.intProperty("socks5d.soak.sessions", 10_000);
        int threads = Socks5dChild.intProperty("socks5d.soak.threads", 4);
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (EchoServer echo = EchoServer.start(lo); Socks5dChild server = Socks5dChild.start("", 0)) {
            long t0 = System.nanoTime();
            run(server, echo, lo, sessions / 10, threads);
            long[] first = sample(server);
            run(server, echo, lo, sessions * 4 / 10, threads);
            long[] middle = sample(server);
            run(server, echo, lo, sessions - sessions / 10 - sessions * 4 / 10, threads);
            long[] end = sample(server);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("soak: %d sessions, %d threads, %.1f s (%.0f/s); fds %d/%d/%d, heap after GC %d/%d/%d KiB,"
                            + " rss %d/%d/%d MiB%n", sessions, threads, seconds, sessions / seconds,
                    first[0], middle[0], end[0], first[1], middle[1], end[1], first[2] / 1024, middle[2] / 1024,
                    end[2] / 1024);
            assertTrue(end[0] <= first[0] + FD_MARGIN, "descriptors grew: " + first[0] + " -> " + end[0]);
            assertTrue(end[1] <= Math.min(first[1], middle[1]) + HEAP_MARGIN_KIB, "heap grew: " + Arrays.toString(
                    new long[] {first[1], middle[1], end[1]}));
            assertTrue(end[2] <= middle[2] + RSS_MARGIN_KIB, "rss grew: " + middle[2] + " -> " + end[2]);
            assertEquals(0, server.awaitNoCurrentConnections(Duration.ofSeconds(10)));
        }
    }

    /** Settled figures: descriptors once sessions ended, heap used after a full GC, resident memory. */
    private static long[] sample(Socks5dChild server) throws Exception {
        server.awaitNoCurrentConnections(Duration.ofSeconds(10));
        long fd = Socks5dChild.awaitAtMost(server::fds, 0, Duration.ofSeconds(1)); // a moment to settle
        return new long[] {fd, server.heapUsedAfterGcKiB(), server.rssKiB()};
    }

    private static void run(Socks5dChild server, EchoServer echo, InetAddress lo, int n, int threads)
            throws InterruptedException {
        AtomicLong tickets = new AtomicLong(n);
        AtomicLong errors = new AtomicLong();
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                byte[] msg = "0123456789abcdef".getBytes();
                while (tickets.getAndDecrement() > 0) {
                    try (Socks5Result r = server.client().connect(lo, echo.port())) {
                        r.socket().getOutputStream().write(msg);
                        if (r.reply() != 0 || !Arrays.equals(msg, r.socket().getInputStream().readNBytes(msg.length))) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
            }, "soak-" + t);
            th.start();
            pool.add(th);
        }
        for (Thread th : pool) {
            th.join();
        }
        assertEquals(0, errors.get(), "failed sessions");
    }
}
