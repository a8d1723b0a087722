package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.BlackholeServer;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.SourcePattern;
import socks5d.testkit.target.SourceServer;

/**
 * docs/protocols/socks5.md, Relay and half-close, "Backpressure ... memory per connection stays
 * bounded": a client uploading to a destination that never reads is slowed to a stop after a
 * bounded amount, and the child's memory stays flat; clients that vanish mid-download (RST) and
 * destinations that reset leave no session, counter or descriptor behind. Sizes:
 * {@code -Dsocks5d.backpressure.uploaders} (CI 4) and {@code -Dsocks5d.backpressure.vanishing}
 * (CI 50).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BackpressureIT {
    private static final long MiB = 1 << 20;
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static Socks5dChild server;
    private static EchoServer echo;

    @BeforeAll
    static void start() throws Exception {
        echo = EchoServer.start(LO);
        server = Socks5dChild.start("socks5d.proxy.idle-timeout = off", 0);
        server.servedMillis(echo.port());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        echo.close();
    }

    @Test
    void aWriterToADestinationThatNeverReadsIsStoppedAndMemoryStaysFlat() throws Exception {
        int uploaders = Socks5dChild.intProperty("socks5d.backpressure.uploaders", 4);
        long fd0 = server.fds();
        long rss0 = server.rssKiB();
        try (BlackholeServer hole = BlackholeServer.start(LO)) {
            List<Socks5Result> sessions = new ArrayList<>();
            List<Thread> writers = new ArrayList<>();
            AtomicLong[] written = new AtomicLong[uploaders];
            try {
                for (int i = 0; i < uploaders; i++) {
                    Socks5Result r = server.client().connect(LO, hole.port());
                    assertEquals(0, r.reply());
                    sessions.add(r);
                    AtomicLong w = written[i] = new AtomicLong();
                    OutputStream out = r.socket().getOutputStream();
                    Thread t = new Thread(() -> {
                        byte[] chunk = new byte[64 * 1024];
                        try {
                            while (w.get() < 512 * MiB) {
                                out.write(chunk);
                                w.addAndGet(chunk.length);
                            }
                        } catch (IOException closedByTheTest) {
                            // the test closes the socket to end the blocked write
                        }
                    }, "uploader-" + i);
                    t.setDaemon(true);
                    t.start();
                    writers.add(t);
                }
                // wait until no writer has made progress for two seconds
                long last = -1;
                long total = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline) {
                    TimeUnit.SECONDS.sleep(2);
                    total = 0;
                    for (AtomicLong w : written) {
                        total += w.get();
                    }
                    if (total == last) {
                        break;
                    }
                    last = total;
                }
                long rss = server.rssKiB();
                System.out.printf("backpressure: %d uploaders stopped after %d KiB in all (%d KiB max each);"
                        + " child rss %d -> %d MiB%n", uploaders, total / 1024,
                        java.util.Arrays.stream(written).mapToLong(AtomicLong::get).max().orElse(0) / 1024,
                        rss0 / 1024, rss / 1024);
                assertEquals(last, total, "the writers were stopped");
                for (AtomicLong w : written) {
                    assertTrue(w.get() < 64 * MiB, "a writer got " + w.get() / MiB + " MiB into a destination that never reads");
                    assertTrue(w.get() < 512 * MiB);
                }
                assertTrue(rss < rss0 + 100 * 1024, "child rss " + rss0 / 1024 + " -> " + rss / 1024 + " MiB");
            } finally {
                for (Socks5Result r : sessions) {
                    r.close();
                }
                for (Thread t : writers) {
                    t.join(5000);
                }
            }
        }
        assertEquals(0, server.awaitNoCurrentConnections(Duration.ofSeconds(10)));
        long fd = Socks5dChild.awaitAtMost(server::fds, fd0 + 5, Duration.ofSeconds(10));
        assertTrue(fd <= fd0 + 5, "descriptors " + fd0 + " -> " + fd);
    }

    @Test
    void clientsThatVanishMidDownloadLeaveNothingBehind() throws Exception {
        int n = Socks5dChild.intProperty("socks5d.backpressure.vanishing", 50);
        long fd0 = server.fds();
        try (SourceServer source = SourceServer.start(LO)) {
            for (int i = 0; i < n; i++) {
                Socks5Result r = server.client().connect(LO, source.port());
                assertEquals(0, r.reply());
                r.socket().getOutputStream().write(SourcePattern.request(1L << 30));
                InputStream in = r.socket().getInputStream();
                byte[] buf = new byte[64 * 1024];
                long got = 0;
                while (got < 256 * 1024) {
                    int k = in.read(buf);
                    assertTrue(k > 0);
                    got += k;
                }
                r.socket().setSoLinger(true, 0); // vanish: RST while the proxy is still sending
                r.close();
            }
            assertEquals(0, server.awaitNoCurrentConnections(Duration.ofSeconds(10)), "sessions ended");
            long fd = Socks5dChild.awaitAtMost(server::fds, fd0 + 5, Duration.ofSeconds(10));
            assertTrue(fd <= fd0 + 5, "descriptors " + fd0 + " -> " + fd);
        }
        assertTrue(server.servedMillis(echo.port()) < 1000);
    }

    @Test
    void destinationsThatResetLeaveNothingBehind() throws Exception {
        int n = Socks5dChild.intProperty("socks5d.backpressure.vanishing", 50);
        long fd0 = server.fds();
        try (ServerSocket resetter = new ServerSocket(0, 50, LO)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = resetter.accept();
                        // half of them send a little first: a reset mid-transfer, the rest at once
                        s.getInputStream().read(new byte[16]);
                        if (s.getLocalPort() % 2 == 0 || s.getPort() % 2 == 0) {
                            s.getOutputStream().write(new byte[32 * 1024]);
                        }
                        s.setSoLinger(true, 0);
                        s.close();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "resetter");
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < n; i++) {
                try (Socks5Result r = server.client().connect(LO, resetter.getLocalPort())) {
                    assertEquals(0, r.reply());
                    r.socket().getOutputStream().write(new byte[16]);
                    InputStream in = r.socket().getInputStream();
                    try {
                        while (in.read(new byte[8192]) >= 0) {
                            // drain until the proxy passes the reset on as a close
                        }
                    } catch (IOException reset) {
                        // passed on as a reset: as good
                    }
                }
            }
        }
        assertEquals(0, server.awaitNoCurrentConnections(Duration.ofSeconds(10)), "sessions ended");
        long fd = Socks5dChild.awaitAtMost(server::fds, fd0 + 5, Duration.ofSeconds(10));
        assertTrue(fd <= fd0 + 5, "descriptors " + fd0 + " -> " + fd);
        assertTrue(server.servedMillis(echo.port()) < 1000);
    }
}
