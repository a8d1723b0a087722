package socks5d.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import io.netty.channel.epoll.Epoll;

import socks5d.management.metrics.Metrics;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.SourcePattern;
import socks5d.testkit.target.SourceServer;

/**
 * Sessions that move to splice(2) (docs/design.md, Splicing) over real loopback sockets, with the
 * threshold at 64 KiB so every transfer here is handed over mid-stream. Each test proves the hand-over
 * happened (the relay says so at DEBUG, and the proxy, in this JVM, holds two more pipes while a
 * session is spliced; a whole echo can pass through the sockets' buffers before the client has read
 * half of it, so the pipes alone are no proof) and then checks what the copying relay guarantees:
 * every byte in order, the FIN passed on after the last byte in either direction, a reset or the
 * idle timeout ending both sides, a stopping server closing both, exact byte counts, and every pipe
 * closed when the session ends.
 */
@EnabledIf("epoll")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpliceIT {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private ProxyHarness proxy;
    /** The pipes open before any session: a spliced session's are the ones not among them. */
    private Set<String> pipesBefore;
    private final Capture relayLog = new Capture();
    private final Logger relayLogger = (Logger) LoggerFactory.getLogger(Relay.class);
    private Level relayLevel;

    /** Keeps the messages of the relay's logger, at DEBUG, where it says which session moved to splice. */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    }

    static boolean epoll() {
        return Epoll.isAvailable();
    }

    @BeforeAll
    void start() throws IOException {
        proxy = ProxyHarness.start(String.join("\n",
                "socks5d.proxy.transport = epoll",
                "socks5d.proxy.relay.splice-after = 64 KiB",
                "socks5d.proxy.idle-timeout = 2s"));
        pipesBefore = pipes();
        relayLog.setContext(relayLogger.getLoggerContext());
        relayLog.start();
        relayLevel = relayLogger.getLevel();
        relayLogger.setLevel(Level.DEBUG);
        relayLogger.addAppender(relayLog);
    }

    @AfterAll
    void stop() {
        proxy.close();
        relayLogger.detachAppender(relayLog);
        relayLogger.setLevel(relayLevel);
        relayLog.stop();
    }

    /** Whether the session of the client socket {@code client} moved to splice (the relay says so at DEBUG). */
    private boolean spliced(Socket client) {
        String session = ":" + client.getLocalPort() + "]";
        return relayLog.lines.stream().anyMatch(l -> l.contains("moves to splice") && l.contains(session));
    }

    /** Pipes opened since the harness started that are open now: two per spliced session. */
    private long newPipes() {
        return pipes().stream().filter(p -> !pipesBefore.contains(p)).count();
    }

    @Test
    void downloadsArriveWholeAfterTheClientHalfClosed() throws Exception {
        assertDownloadWhole(24L << 20, false);
    }

    @Test
    void theTailIsNotLostWhenTheFinArrivesBehindAFullPipe() throws Exception {
        // The client stops reading for a while: the source sends the rest and its FIN, which reaches
        // the proxy while the pipe and the client's socket are full and bytes still wait before it.
        assertDownloadWhole(6L << 20, true);
    }

    private void assertDownloadWhole(long n, boolean pause) throws Exception {
        try (SourceServer source = SourceServer.start(LO); Socks5Result r = proxy.client().connect(LO, source.port())) {
            assertEquals(0, r.reply());
            Socket s = r.socket();
            s.getOutputStream().write(SourcePattern.request(n));
            s.shutdownOutput(); // the client's FIN goes first; the download continues
            SourcePattern.Verifier verifier = SourcePattern.verifier();
            byte[] buf = new byte[64 * 1024];
            InputStream in = s.getInputStream();
            boolean paused = !pause;
            for (int got; (got = in.read(buf)) >= 0; ) {
                verifier.update(buf, 0, got);
                if (!paused && verifier.count() > 1 << 20) {
                    paused = true;
                    Thread.sleep(500);
                }
            }
            assertTrue(spliced(s), "the session was spliced");
            assertTrue(verifier.matches(n), "got " + verifier.count() + " bytes, first mismatch at "
                    + verifier.firstMismatch());
        }
        assertSessionsEnded();
    }

    @Test
    void bothDirectionsAreSplicedAndTheFinFollowsTheLastByte() throws Exception {
        byte[] sent = new byte[12 << 20];
        new Random(7).nextBytes(sent);
        try (EchoServer echo = EchoServer.start(LO); Socks5Result r = proxy.client().connect(LO, echo.port())) {
            assertEquals(0, r.reply());
            Socket s = r.socket();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < sent.length; off += 100_000) {
                        out.write(sent, off, Math.min(100_000, sent.length - off));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = new byte[sent.length];
            InputStream in = s.getInputStream();
            int at = 0;
            for (int got; at < back.length && (got = in.read(back, at, back.length - at)) >= 0; ) {
                at += got;
            }
            writer.get(60, TimeUnit.SECONDS);
            assertEquals(sent.length, at);
            assertArrayEquals(sent, back);
            assertEquals(-1, in.read(), "the echo's FIN after the last byte");
            assertTrue(spliced(s), "the session was spliced");
        }
        assertSessionsEnded();
    }

    @Test
    void eightConcurrentDownloadsAreCountedExactly() throws Exception {
        Metrics.Snapshot before = proxy.metrics();
        long n = 4L << 20;
        try (SourceServer source = SourceServer.start(LO)) {
            List<CompletableFuture<Long>> downloads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                downloads.add(CompletableFuture.supplyAsync(() -> download(source, n)));
            }
            for (CompletableFuture<Long> d : downloads) {
                assertEquals(n, d.get(60, TimeUnit.SECONDS));
            }
        }
        assertSessionsEnded();
        Metrics.Snapshot after = awaitMetrics(m -> m.successfulConnections() + m.failedConnections()
                - before.successfulConnections() - before.failedConnections() == 8);
        assertEquals(8 * (n + SourcePattern.REQUEST_SIZE), after.bytesProxied() - before.bytesProxied());
    }

    @Test
    void clientsThatResetCloseOrDawdleMidStreamLeaveNothingBehind() throws Exception {
        // 48 spliced downloads at once, a quarter each: read to the end; reset after about half;
        // close after about half; half-close at once and read in pauses. Afterwards no session, pipe
        // or held byte is left, and the server serves the next client whole.
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try (SourceServer source = SourceServer.start(LO)) {
            List<CompletableFuture<Void>> sessions = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                int behaviour = i % 4;
                long n = (1L << 20) + new Random(i).nextInt(2 << 20);
                sessions.add(CompletableFuture.runAsync(() -> misbehave(source, n, behaviour), clients));
            }
            for (CompletableFuture<Void> session : sessions) {
                session.get(60, TimeUnit.SECONDS);
            }
            assertSessionsEnded();
            assertEquals(4L << 20, download(source, 4L << 20), "the next client is served whole");
        } finally {
            clients.shutdownNow();
        }
        assertSessionsEnded();
    }

    private void misbehave(SourceServer source, long n, int behaviour) {
        try (Socks5Result r = proxy.client().connect(LO, source.port())) {
            Socket s = r.socket();
            s.getOutputStream().write(SourcePattern.request(n));
            if (behaviour == 3) {
                s.shutdownOutput();
            }
            SourcePattern.Verifier verifier = SourcePattern.verifier();
            byte[] buf = new byte[32 * 1024];
            InputStream in = s.getInputStream();
            for (int got; (got = in.read(buf)) >= 0; ) {
                verifier.update(buf, 0, got);
                if ((behaviour == 1 || behaviour == 2) && verifier.count() > n / 2) {
                    if (behaviour == 1) {
                        s.setSoLinger(true, 0); // RST
                    }
                    return;
                }
                if (behaviour == 3 && verifier.count() % (512 * 1024) < got) {
                    Thread.sleep(20);
                }
            }
            assertTrue(verifier.matches(n), "behaviour " + behaviour + ": got " + verifier.count() + " of " + n
                    + " bytes, first mismatch at " + verifier.firstMismatch());
            assertTrue(spliced(s), "behaviour " + behaviour + ": the session was spliced");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("behaviour " + behaviour, e);
        }
    }

    @Test
    void aResetDuringSplicingEndsBothSides() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 1, LO);
             Socks5Result r = proxy.client().connect(LO, target.getLocalPort())) {
            Socket t = spliceQuarterMiB(r, target);
            t.setSoLinger(true, 0);
            t.close(); // RST
            assertTrue(endsWithin(r.socket()), "the client's side ends after the destination's reset");
        }
        assertSessionsEnded();
    }

    @Test
    void anIdleSplicedSessionIsClosedAtTheIdleTimeout() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 1, LO);
             Socks5Result r = proxy.client().connect(LO, target.getLocalPort());
             Socket t = spliceQuarterMiB(r, target)) {
            // Nothing moves either way: closed between 1 and 1.25 idle timeouts later.
            assertTrue(endsWithin(r.socket()), "closed at the idle timeout");
            assertTrue(endsWithin(t), "the destination's side is closed too");
        }
        assertSessionsEnded();
    }

    @Test
    void aServerStoppingWithASplicedSessionClosesItAndStops() throws Exception {
        ProxyHarness other = ProxyHarness.start(String.join("\n",
                "socks5d.proxy.transport = epoll",
                "socks5d.proxy.relay.splice-after = 64 KiB",
                "socks5d.proxy.shutdown-grace = 1s"));
        try (ServerSocket target = new ServerSocket(0, 1, LO);
             Socks5Result r = other.client().connect(LO, target.getLocalPort());
             Socket t = spliceQuarterMiB(r, target)) {
            // The session stays open past the drain's grace: the server closes it as it stops.
            long start = System.nanoTime();
            other.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "stopped in time");
            assertTrue(endsWithin(r.socket()), "the client's side is closed");
            assertTrue(endsWithin(t), "the destination's side is closed");
        } finally {
            other.close(); // stopping twice is stopping once
        }
        awaitTrue(() -> newPipes() == 0, "every pipe of the stopped server closed");
    }

    /**
     * Accepts the destination side of {@code r}'s CONNECT on {@code target}, sends 256 KiB from it to the
     * client and waits until the session has moved to splice with its pipes open.
     *
     * @return the destination's side, idle from here on
     */
    private Socket spliceQuarterMiB(Socks5Result r, ServerSocket target) throws IOException {
        assertEquals(0, r.reply());
        Socket t = target.accept();
        byte[] chunk = new byte[256 * 1024];
        t.getOutputStream().write(chunk);
        assertEquals(chunk.length, r.socket().getInputStream().readNBytes(chunk.length).length);
        awaitTrue(() -> spliced(r.socket()) && newPipes() >= 2, "the session was spliced, its pipes open");
        return t;
    }

    private long download(SourceServer source, long n) {
        try (Socks5Result r = proxy.client().connect(LO, source.port())) {
            r.socket().getOutputStream().write(SourcePattern.request(n));
            SourcePattern.Verifier verifier = SourcePattern.verifier();
            byte[] buf = new byte[64 * 1024];
            InputStream in = r.socket().getInputStream();
            for (int got; (got = in.read(buf)) >= 0; ) {
                verifier.update(buf, 0, got);
            }
            assertTrue(verifier.matches(n), "first mismatch at " + verifier.firstMismatch());
            return verifier.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads until the end of the stream or a reset; false if neither comes within 10 s. */
    private static boolean endsWithin(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        byte[] buf = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(buf) >= 0) {
                // what was still on its way
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** No session open, nothing held, and the proxy's pipes all closed. */
    private void assertSessionsEnded() {
        awaitTrue(() -> proxy.metrics().currentConnections() == 0, "no session open");
        awaitTrue(() -> newPipes() == 0, "every pipe closed");
        assertEquals(0, proxy.bindings().relayMemory().held());
        assertEquals(0, proxy.bindings().relayMemory().sessions());
    }

    private Metrics.Snapshot awaitMetrics(java.util.function.Predicate<Metrics.Snapshot> settled) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Metrics.Snapshot m = proxy.metrics();
        while (!settled.test(m) && System.nanoTime() < deadline) {
            sleep();
            m = proxy.metrics();
        }
        return m;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The pipes this process holds open (the proxy runs in it), each by its inode, whichever ends are open. */
    private static Set<String> pipes() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).filter(link -> link.startsWith("pipe:")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
