package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.SinkServer;
import socks5d.testkit.target.SourceServer;
import socks5d.testkit.target.TargetServer;

/**
 * docs/operations.md, Limits, with real sockets on loopback: clients come from distinct loopback
 * addresses (127.0.0.x, bound before connecting; Linux routes all of 127/8 to lo) to a server on
 * 127.0.0.1, so each one is its own client address. The shaped rates are measured over
 * {@code -Dsocks5d.limits.measure-s} seconds (CI 3, the figure is 10) at a modest rate.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Per-address limits on loopback clients, which reference.conf exempts. */
    private static final String STRICT_LOOPBACK = "socks5d.proxy.limits.per-address.exempt-loopback = off\n";

    // ---------------------------------------------------------------- per-address connections

    @Test
    void oneAddressPastItsLimitIsRefusedWhileAnotherIsServedAtOnce() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Socket> held = new ArrayList<>();
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start(STRICT_LOOPBACK
                     + "socks5d.management.switches.auth-required = off\n"
                     + "socks5d.proxy.limits.per-address.max-connections = 20\n"
                     + "socks5d.proxy.limits.per-address.new-per-second = 0\n")) {
            InetAddress busy = InetAddress.getByName("127.0.0.3");
            for (int i = 0; i < 20; i++) {
                Socket s = open(busy, proxy.socks());
                held.add(s);
                greet(s); // answered: the connection is being served
            }
            int refused = 0;
            for (int i = 0; i < 5; i++) {
                try (Socket s = open(busy, proxy.socks())) {
                    if (closedAtOnce(s)) {
                        refused++;
                    }
                }
            }
            assertEquals(5, refused, "every connection past the limit is closed at once");
            long[] served = probes(InetAddress.getByName("127.0.0.2"), proxy.socks(), at(echo), null);
            System.out.printf("limits: 127.0.0.3 held 20 of 20, 5 more closed at once; 127.0.0.2 served in %s ms%n",
                    Arrays.toString(served));
            assertServedWithin100Ms(served);
            Metrics.LimitEvents e = awaitLimits(proxy, l -> l.refusedAddressConcurrency() >= 5);
            assertEquals(5, e.refusedAddressConcurrency());
            // One closed connection frees one place.
            held.remove(0).close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            boolean again = false;
            while (!again && System.nanoTime() < deadline) {
                try (Socket s = open(busy, proxy.socks())) {
                    again = greetOrClosed(s);
                }
                if (!again) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
            }
            assertTrue(again, "a place freed by a close is taken again");
        } finally {
            closeAll(held);
        }
    }

    @Test
    void fiveThousandStalledHandshakesFromOneAddressDelayNoOtherAddress() throws Exception {
        int n = Integer.getInteger("socks5d.limits.stalled", 5000);
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Socket> stalled = new ArrayList<>(n);
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start(STRICT_LOOPBACK
                     + "socks5d.management.switches.auth-required = off\n"
                     + "socks5d.proxy.handshake-timeout = 60s\n")) {
            InetAddress staller = InetAddress.getByName("127.0.0.4");
            InetAddress other = InetAddress.getByName("127.0.0.5");
            servedMillis(other, proxy.socks(), at(echo), null); // warm up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                stalled.add(s);
                s.bind(new InetSocketAddress(staller, 0));
                s.connect(proxy.socks(), 5000);
                if (i % 2 == 0) {
                    try {
                        s.getOutputStream().write(0x05); // VER, then nothing: stuck in the greeting
                    } catch (IOException closed) {
                        // refused by the per-address limit already
                    }
                }
            }
            long opened = (System.nanoTime() - t0) / 1_000_000;
            long[] served = probes(other, proxy.socks(), at(echo), null);
            Metrics.LimitEvents e = awaitLimits(proxy,
                    l -> l.refusedAddressConcurrency() + l.refusedAddressRate() >= n - 512L);
            System.out.printf("limits: %d stalled handshakes from 127.0.0.4 opened in %d ms (refused: %d concurrency,"
                    + " %d rate); 127.0.0.5 served in %s ms%n", n, opened, e.refusedAddressConcurrency(),
                    e.refusedAddressRate(), Arrays.toString(served));
            assertServedWithin100Ms(served);
            assertTrue(e.refusedAddressConcurrency() + e.refusedAddressRate() >= n - 512L,
                    "all but max-connections refused: " + e);
        } finally {
            closeAll(stalled);
        }
    }

    // ---------------------------------------------------------------- password guessing

    private static final String THROTTLED = STRICT_LOOPBACK
            + "socks5d.management.users.hash-iterations = 120000\n"
            + "socks5d.management.login-throttle.delay = 20ms\n"
            + "socks5d.management.login-throttle.max-delay = 100ms\n"
            + "socks5d.management.login-throttle.block-for = 2s\n"
            + "socks5d.proxy.limits.per-address.new-per-second = 0\n";

    @Test
    void aGuesserIsThrottledAtBoundedCpuWhileTheRightPasswordWorksElsewhereAndLaterForIt() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (EchoServer echo = EchoServer.start(lo); ProxyHarness proxy = ProxyHarness.start(THROTTLED)) {
            InetAddress guesser = InetAddress.getByName("127.0.0.6");
            InetAddress honest = InetAddress.getByName("127.0.0.7");
            long cpu0 = hashingCpuNanos();
            int guesses = Integer.getInteger("socks5d.limits.guesses", 10_000);
            long t0 = System.nanoTime();
            int refused = 0;
            for (int i = 0; i < guesses; i++) {
                try (Socket s = open(guesser, proxy.socks())) {
                    int status = login(s, ProxyHarness.USER, "guess-" + i);
                    assertTrue(status != 0, "a wrong password never logs in");
                    refused++;
                }
            }
            long guessMillis = (System.nanoTime() - t0) / 1_000_000;
            long hashingMillis = (hashingCpuNanos() - cpu0) / 1_000_000;
            // The guesser's address is blocked now; the right password from another address works.
            long honestMillis = servedMillis(honest, proxy.socks(), at(echo), ProxyHarness.PASSWORD);
            try (Socket s = open(guesser, proxy.socks())) {
                assertEquals(1, login(s, ProxyHarness.USER, ProxyHarness.PASSWORD),
                        "the right password from the blocked address is refused during its window");
            }
            TimeUnit.MILLISECONDS.sleep(2100); // the window ends (and the last failures' batch is flushed)
            Metrics.Snapshot m = proxy.metrics();
            long laterMillis = servedMillis(guesser, proxy.socks(), at(echo), ProxyHarness.PASSWORD);
            Metrics.LimitEvents e = awaitLimits(proxy, l -> l.loginsThrottled() > 0);
            System.out.printf("limits: %d wrong passwords from 127.0.0.6 in %d ms, %d refused, %d throttled; PBKDF2"
                            + " (120,000 iterations) CPU %d ms in all; right password from 127.0.0.7 served in %d ms"
                            + " while 127.0.0.6 was blocked, from 127.0.0.6 after its window in %d ms%n", guesses,
                    guessMillis, refused, e.loginsThrottled(), hashingMillis, honestMillis, laterMillis);
            assertTrue(m.authFailures() >= guesses, "every guess counted as a failed login");
            assertTrue(e.loginsThrottled() > guesses * 9L / 10, "most guesses throttled: " + e);
            // Unthrottled, 10,000 checks cost 10,000 PBKDF2 computations (tens of ms each); throttled, at
            // most block-after checks per window: a few dozen in all.
            assertTrue(hashingMillis < 10_000, "PBKDF2 CPU " + hashingMillis + " ms");
        }
    }

    @Test
    void guessersOnSixteenAddressesLeaveANormalClientServedWithinAHundredMilliseconds() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (EchoServer echo = EchoServer.start(lo); ProxyHarness proxy = ProxyHarness.start(THROTTLED)) {
            InetAddress normal = InetAddress.getByName("127.0.0.9");
            servedMillis(normal, proxy.socks(), at(echo), ProxyHarness.PASSWORD); // its password is verified once
            // The same probes without guessers: what this machine's scheduling alone costs.
            List<Long> quiet = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                quiet.add(servedMillis(normal, proxy.socks(), at(echo), ProxyHarness.PASSWORD));
                TimeUnit.MILLISECONDS.sleep(20);
            }
            int total = Integer.getInteger("socks5d.limits.guessing-connections", 1000);
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            long cpu0 = hashingCpuNanos();
            List<Future<?>> guessers = new ArrayList<>();
            long g0 = System.nanoTime();
            for (int t = 0; t < 16; t++) {
                InetAddress from = InetAddress.getByName("127.0.1." + (t + 1));
                guessers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < total) {
                        try (Socket s = open(from, proxy.socks())) {
                            login(s, ProxyHarness.USER, "wrong");
                        }
                    }
                    return null;
                }));
            }
            List<Long> served = new ArrayList<>();
            while (!guessers.stream().allMatch(Future::isDone)) {
                served.add(servedMillis(normal, proxy.socks(), at(echo), ProxyHarness.PASSWORD));
                TimeUnit.MILLISECONDS.sleep(20);
            }
            for (Future<?> f : guessers) {
                f.get();
            }
            long guessMillis = (System.nanoTime() - g0) / 1_000_000;
            pool.shutdown();
            long hashingMillis = (hashingCpuNanos() - cpu0) / 1_000_000;
            long[] sorted = served.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] quietSorted = quiet.stream().mapToLong(Long::longValue).sorted().toArray();
            long p95 = sorted[sorted.length * 95 / 100];
            long under = served.stream().filter(ms -> ms < 100).count();
            System.out.printf("limits: %d guessing connections from 16 addresses in %d ms; normal client served %d"
                            + " times: median %d ms, 95th percentile %d ms, max %d ms, %d of %d within 100 ms"
                            + " (without guessers: median %d ms, max %d ms); PBKDF2 CPU %d ms%n", total,
                    guessMillis, served.size(), sorted[sorted.length / 2], p95, sorted[sorted.length - 1], under,
                    served.size(), quietSorted[quietSorted.length / 2], quietSorted[quietSorted.length - 1],
                    hashingMillis);
            assertTrue(served.size() >= 10, "probed throughout: " + served.size());
            // A machine shared by other builds stalls any process now and then (see the quiet maximum), so
            // the bound is asserted on the 95th percentile; the figures above give the rest.
            assertTrue(p95 < 100, "normal client served within 100 ms at the 95th percentile: " + served);
        }
    }

    // ---------------------------------------------------------------- per-user limits

    @Test
    void aUsersSessionsAreCappedAndItsBandwidthSharedWhileAnUnshapedUserRunsBeside() throws Exception {
        long rate = 1_000_000;
        int seconds = Integer.getInteger("socks5d.limits.measure-s", 3);
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (SourceServer source = SourceServer.start(lo); SinkServer sink = SinkServer.start(lo);
             EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start("socks5d.proxy.limits.per-user.burst = 64k\n")) {
            addUser(proxy, "shaped");
            addUser(proxy, "free");
            addUser(proxy, "capped");
            setLimits(proxy, "shaped", new UserDirectory.Limits(0, rate));
            setLimits(proxy, "capped", new UserDirectory.Limits(2, 0));

            // Sessions: the third of two gets 0x02 (not allowed), a freed place is taken again.
            List<Socket> two = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = open(lo, proxy.socks());
                    two.add(s);
                    assertEquals(0, login(s, "capped", "pw"));
                    assertEquals(Socks5Frames.REP_SUCCEEDED, request(s, at(echo)));
                }
                try (Socket s = open(lo, proxy.socks())) {
                    assertEquals(0, login(s, "capped", "pw"));
                    assertEquals(Socks5Frames.REP_NOT_ALLOWED, request(s, at(echo)));
                }
            } finally {
                closeAll(two);
            }
            awaitLimits(proxy, l -> l.refusedUserSessions() == 1);

            // Bandwidth: 1 session, then 8 sharing the user's rate, each beside an unshaped download.
            double one = download(proxy, source, "shaped", 1, seconds);
            CompletableFuture<Double> beside = CompletableFuture.supplyAsync(() -> {
                try {
                    return download(proxy, source, "free", 1, 1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            double eight = download(proxy, source, "shaped", 8, seconds);
            double freeRate = beside.get();
            double up = upload(proxy, sink, "shaped", seconds);
            System.out.printf("limits: user at %d B/s over %d s: 1 session %.0f B/s (%+.1f %%), 8 sessions %.0f B/s"
                            + " (%+.1f %%), upload %.0f B/s (%+.1f %%); unshaped user beside %.0f B/s%n", rate, seconds,
                    one, pct(one, rate), eight, pct(eight, rate), up, pct(up, rate), freeRate);
            assertTrue(Math.abs(pct(one, rate)) <= 5, "1 session at " + one);
            assertTrue(Math.abs(pct(eight, rate)) <= 5, "8 sessions at " + eight);
            assertTrue(Math.abs(pct(up, rate)) <= 5, "upload at " + up);
            assertTrue(freeRate > 20 * rate, "the unshaped user is not slowed: " + freeRate);
            assertTrue(awaitLimits(proxy, l -> l.sessionsShaped() >= 10).sessionsShaped() >= 10);
        }
    }

    private static double pct(double measured, long rate) {
        return (measured - rate) * 100.0 / rate;
    }

    /**
     * {@code sessions} downloads of {@code user} at once; returns their bytes a second together over
     * {@code seconds}, measured from when each has read past the burst.
     */
    private static double download(ProxyHarness proxy, SourceServer source, String user, int sessions, int seconds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                Socket s = open(InetAddress.getLoopbackAddress(), proxy.socks());
                sockets.add(s);
                assertEquals(0, login(s, user, "pw"));
                assertEquals(Socks5Frames.REP_SUCCEEDED, request(s, at(source)));
                s.getOutputStream().write(ByteBuffer.allocate(8).putLong(Long.MAX_VALUE / 2).array());
            }
            // Drain the burst, then count for the interval.
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            List<Future<Long>> counts = new ArrayList<>();
            for (Socket s : sockets) {
                counts.add(pool.submit(() -> countBetween(s.getInputStream(), start, end)));
            }
            long total = 0;
            for (Future<Long> f : counts) {
                total += f.get();
            }
            return total / (double) seconds;
        } finally {
            closeAll(sockets);
            pool.shutdownNow();
        }
    }

    private static long countBetween(InputStream in, long start, long end) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long counted = 0;
        while (true) {
            int n = in.read(buf);
            long now = System.nanoTime();
            if (n < 0 || now >= end) {
                return counted;
            }
            if (now >= start) {
                counted += n;
            }
        }
    }

    /** One upload of {@code user} to the sink; bytes a second over {@code seconds} after the burst. */
    private static double upload(ProxyHarness proxy, SinkServer sink, String user, int seconds) throws Exception {
        try (Socket s = open(InetAddress.getLoopbackAddress(), proxy.socks())) {
            assertEquals(0, login(s, user, "pw"));
            assertEquals(Socks5Frames.REP_SUCCEEDED, request(s, at(sink)));
            long before = sink.receivedTotal();
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[16 * 1024];
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long atStart = -1;
            long tStart = 0;
            while (System.nanoTime() < end) {
                out.write(chunk); // blocks while the proxy does not read: the measure is what it passes on
                if (atStart < 0 && System.nanoTime() >= start) {
                    atStart = sink.receivedTotal();
                    tStart = System.nanoTime();
                }
            }
            long atEnd = sink.receivedTotal();
            long tEnd = System.nanoTime();
            return (atEnd - atStart) / ((tEnd - tStart) / 1e9);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Five clients served one after the other, after one that warms the path up: their milliseconds. */
    private static long[] probes(InetAddress from, InetSocketAddress proxy, InetSocketAddress echo, String password)
            throws IOException {
        servedMillis(from, proxy, echo, password);
        long[] served = new long[5];
        for (int i = 0; i < served.length; i++) {
            served[i] = servedMillis(from, proxy, echo, password);
        }
        return served;
    }

    /**
     * The median of the probes within 100 ms: a machine shared by other builds stalls any process now
     * and then (hundreds of ms at a load of 7 on 2 cores), which no server design prevents.
     */
    private static void assertServedWithin100Ms(long[] served) {
        long[] sorted = served.clone();
        Arrays.sort(sorted);
        assertTrue(sorted[sorted.length / 2] < 100, "served in " + Arrays.toString(served) + " ms");
    }

    private static void addUser(ProxyHarness proxy, String name) {
        UserDirectory.AddUserReply reply = AskPattern.<UserDirectory.Command, UserDirectory.AddUserReply>ask(
                        proxy.bindings().state().users(),
                        r -> new UserDirectory.AddUser(name, "pw", UserDirectory.Role.BASIC, r), WAIT,
                        proxy.server().system().scheduler())
                .toCompletableFuture().join();
        assertTrue(reply instanceof UserDirectory.Added, reply.toString());
    }

    private static void setLimits(ProxyHarness proxy, String name, UserDirectory.Limits limits) {
        UserDirectory.SetLimitsReply reply = AskPattern.<UserDirectory.Command, UserDirectory.SetLimitsReply>ask(
                        proxy.bindings().state().users(), r -> new UserDirectory.SetLimits(name, limits, r), WAIT,
                        proxy.server().system().scheduler())
                .toCompletableFuture().join();
        assertTrue(reply instanceof UserDirectory.LimitsSet, reply.toString());
    }

    private static Metrics.LimitEvents awaitLimits(ProxyHarness proxy, Predicate<Metrics.LimitEvents> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Metrics.LimitEvents e = proxy.metrics().limits();
            if (wanted.test(e) || System.nanoTime() > deadline) {
                return e;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** CPU time of the PBKDF2 threads (the server runs in this JVM). */
    private static long hashingCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("socks5d-hash")) {
                total += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    private static Socket open(InetAddress from, InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout((int) WAIT.toMillis());
        s.bind(new InetSocketAddress(from, 0));
        s.connect(to, (int) WAIT.toMillis());
        return s;
    }

    /** Greeting with no authentication; fails unless the server answers it. */
    private static void greet(Socket s) throws IOException {
        s.getOutputStream().write(Socks5Frames.greeting(Socks5Frames.METHOD_NO_AUTH));
        byte[] reply = new DataInputStream(s.getInputStream()).readNBytes(2);
        assertEquals(2, reply.length, "greeting answered");
    }

    private static boolean greetOrClosed(Socket s) {
        try {
            s.getOutputStream().write(Socks5Frames.greeting(Socks5Frames.METHOD_NO_AUTH));
            return s.getInputStream().readNBytes(2).length == 2;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the server closes {@code s} without a byte, as it does for a refused connection. */
    private static boolean closedAtOnce(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Greeting, RFC 1929 login of {@code user}: returns the status (0 success), or -1 when the server
     * closed without one.
     */
    private static int login(Socket s, String user, String password) throws IOException {
        try {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(Socks5Frames.concat(Socks5Frames.greeting(Socks5Frames.METHOD_USERPASS),
                    Socks5Frames.userPass(user, password)));
            byte[] reply = in.readNBytes(4);
            return reply.length == 4 ? reply[3] & 0xFF : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** CONNECT to {@code target}: returns REP. */
    private static int request(Socket s, InetSocketAddress target) throws IOException {
        s.getOutputStream().write(Socks5Frames.connect(target));
        byte[] reply = s.getInputStream().readNBytes(10);
        assertEquals(10, reply.length, "a reply to CONNECT");
        return reply[1] & 0xFF;
    }

    /**
     * Milliseconds from connecting from {@code from} to an echoed message through a CONNECT
     * ({@code password} null: no authentication, else the harness's ADMIN).
     */
    private static long servedMillis(InetAddress from, InetSocketAddress proxy, InetSocketAddress echo,
                                     String password) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = open(from, proxy)) {
            if (password == null) {
                greet(s);
            } else {
                assertEquals(0, login(s, ProxyHarness.USER, password), "logged in");
            }
            assertEquals(Socks5Frames.REP_SUCCEEDED, request(s, echo));
            ProxyHarness.assertEchoes(s, "ping");
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static InetSocketAddress at(TargetServer target) {
        return new InetSocketAddress(target.address(), target.port());
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
