package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.load.Fuzzer;
import socks5d.testkit.target.EchoServer;

/**
 * docs/protocols/ (SOCKS5, MCP, MASS, PCTP): random and mutated-valid inputs to the SOCKS port and
 * to each management port of a socks5d child process. Afterwards the server is alive, a normal
 * client is served within a second, and the child's descriptors and resident memory are back near
 * their start (the heap after a full GC; resident memory only within a bound, as the JVM keeps the
 * heap it grew). Size: {@code -Dsocks5d.fuzz.inputs} per protocol (CI 2,000),
 * {@code -Dsocks5d.fuzz.concurrency} (12), {@code -Dsocks5d.fuzz.read-millis} (150),
 * {@code -Dsocks5d.fuzz.seed} (1).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class FuzzIT {
    private static final long FD_MARGIN = 20;
    private static final long HEAP_MARGIN_KIB = 16 * 1024;
    /** -Xmx256m plus metaspace, code cache, threads and the direct buffer pool: a bound, not a leak test. */
    private static final long RSS_LIMIT_KIB = 512 * 1024;

    @Test
    void survivesRandomAndMutatedInputsOnEveryPortAndGivesBackItsResources() throws Exception {
        int inputs = Socks5dChild.intProperty("socks5d.fuzz.inputs", 2000);
        int concurrency = Socks5dChild.intProperty("socks5d.fuzz.concurrency", 12);
        int readMillis = Socks5dChild.intProperty("socks5d.fuzz.read-millis", 150);
        long seed = Long.getLong("socks5d.fuzz.seed", 1);
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (EchoServer echo = EchoServer.start(lo);
             Socks5dChild server = Socks5dChild.start("socks5d.proxy.handshake-timeout = 3s\n"
                     + "socks5d.management.mass.session-timeout = 3s\n"
                     + "socks5d.management.mcp.idle-timeout = 5s\n"
                     + "socks5d.management.pctp.idle-timeout = 5s\n"
                     // Mutated logins from 127.0.0.1 would get the address blocked by the login throttle,
                     // and the normal client after them with it (LimitsIT tests the throttle).
                     + "socks5d.management.login-throttle.exempt-loopback = on", 0)) {
            server.servedMillis(echo.port()); // warm: the first session loads classes
            long fd0 = server.fds();
            long rss0 = server.rssKiB();
            long heap0 = server.heapUsedAfterGcKiB();
            Fuzzer fuzzer = new Fuzzer(new InetSocketAddress(lo, 0), Socks5dChild.FUZZ_USER,
                    Socks5dChild.FUZZ_PASSWORD, concurrency, seed, readMillis);
            long t0 = System.nanoTime();
            for (var p : new Object[][] {{Fuzzer.Protocol.SOCKS5, server.ports.socks()},
                {Fuzzer.Protocol.MCP, server.ports.mcp()}, {Fuzzer.Protocol.MASS, server.ports.mass()},
                {Fuzzer.Protocol.PCTP, server.ports.pctp()}}) {
                Fuzzer.Outcome o = fuzzer.run((Fuzzer.Protocol) p[0], (Integer) p[1], inputs);
                System.out.println("fuzz: " + o + " server fds=" + server.fds() + " rss=" + server.rssKiB() / 1024
                        + "MiB");
                assertTrue(server.process.isAlive(), () -> "socks5d died under " + p[0] + ": " + server.stderr());
                assertTrue(o.connectFailures() == 0, () -> p[0] + " refused connections: " + o);
            }
            long millis = server.servedMillis(echo.port());
            assertTrue(millis < 1000, "normal client served in " + millis + " ms");

            long fd = Socks5dChild.awaitAtMost(server::fds, fd0 + FD_MARGIN, Duration.ofSeconds(20));
            long rss = server.rssKiB();
            long heap = server.heapUsedAfterGcKiB();
            System.out.printf("fuzz: %d inputs x 4 protocols in %.1f s; fds %d -> %d; heap after GC %d -> %d KiB;"
                    + " rss %d -> %d MiB%n", inputs, (System.nanoTime() - t0) / 1e9, fd0, fd, heap0, heap,
                    rss0 / 1024, rss / 1024);
            assertTrue(fd <= fd0 + FD_MARGIN, "descriptors back near the start: " + fd0 + " -> " + fd);
            // the user file may hold up to max-users fuzzed names, a few KiB; the rest must be gone
            assertTrue(heap <= heap0 + HEAP_MARGIN_KIB, "heap after GC " + heap0 + " -> " + heap + " KiB");
            assertTrue(rss <= RSS_LIMIT_KIB, "resident memory " + rss0 / 1024 + " -> " + rss / 1024 + " MiB");
            assertTrue(server.awaitNoCurrentConnections(Duration.ofSeconds(10)) == 0, "current_connections back to 0");
            assertTrue(server.process.isAlive());
        }
    }
}
