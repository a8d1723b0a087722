package socks5d.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.typed.javadsl.AskPattern;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Metrics;
import socks5d.testkit.client.Socks5Client;

/**
 * A socks5d started in-process for socket tests: SOCKS on 127.0.0.1 at an ephemeral port,
 * management listeners off unless the test's config turns them on, a temporary data directory,
 * cheap password hashes and the ADMIN user {@code admin:secret}. Test helper; thread-safe.
 */
public final class ProxyHarness implements AutoCloseable {
    public static final String USER = "admin";
    public static final String PASSWORD = "secret";

    private final Socks5d server;
    private final Socks5d.Bindings bindings;
    private final Path dataDir;

    private ProxyHarness(Socks5d server, Socks5d.Bindings bindings, Path dataDir) {
        this.server = server;
        this.bindings = bindings;
        this.dataDir = dataDir;
    }

    /** Starts a server with {@code extraConfig} (HOCON) over the test defaults. */
    public static ProxyHarness start(String extraConfig) {
        try {
            return start(extraConfig, Files.createTempDirectory("socks5d-it"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server whose users live in {@code dir} (to test a restart on the same data). */
    public static ProxyHarness start(String extraConfig, Path dir) {
        try {
            Config config = ConfigFactory.parseString(extraConfig)
                    .withFallback(ConfigFactory.parseString(String.join("\n",
                            "socks5d.proxy.listen-address = \"127.0.0.1\"",
                            "socks5d.proxy.port = 0",
                            "socks5d.proxy.shutdown-grace = 2s",
                            "socks5d.management.mcp.port = 0",
                            "socks5d.management.mass.port = 0",
                            "socks5d.management.pctp.port = 0",
                            "socks5d.management.http.port = 0",
                            "socks5d.management.users.hash-iterations = 1000",
                            "socks5d.management.users.data-dir = \"" + dir.toString().replace("\\", "/") + "\"",
                            "socks5d.proxy.dns.nameservers = [\"127.0.0.1:1\"]",
                            "socks5d.proxy.resolve-timeout = 2s")))
                    .withFallback(ConfigFactory.load())
                    .resolve();
            Socks5d server = Socks5d.start(config, List.of(new Credentials(USER, PASSWORD)));
            Socks5d.Bindings b = server.started().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new ProxyHarness(server, b, dir);
        } catch (Exception e) {
            throw new IllegalStateException("socks5d did not start", e);
        }
    }

    public InetSocketAddress socks() {
        return bindings.socks();
    }

    public Socks5d.Bindings bindings() {
        return bindings;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A client with the harness's ADMIN credentials. */
    public Socks5Client client() {
        return Socks5Client.to(socks()).withAuth(USER, PASSWORD);
    }

    public Metrics.Snapshot metrics() {
        return AskPattern.<Metrics.Command, Metrics.Snapshot>ask(bindings.state().metrics(),
                Metrics.GetSnapshot::new, Duration.ofSeconds(5), server.system().scheduler())
                .toCompletableFuture().join();
    }

    public List<AccessLog.Entry> recentSessions(int n) {
        return AskPattern.<AccessLog.Command, AccessLog.Recent>ask(bindings.state().accessLog(),
                replyTo -> new AccessLog.GetRecent(n, replyTo), Duration.ofSeconds(5), server.system().scheduler())
                .toCompletableFuture().join().entries();
    }

    /**
     * The newest access-log entry matching {@code wanted}, polling the access log (entries arrive in
     * batches on the flush timer) for at most {@code timeout}.
     *
     * @throws AssertionError if none arrives in time
     */
    public AccessLog.Entry awaitSession(java.util.function.Predicate<AccessLog.Entry> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (AccessLog.Entry e : recentSessions(100)) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching access-log entry within " + timeout);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Writes {@code message} on {@code socket} and checks that exactly it comes back (an echo target). */
    public static void assertEchoes(java.net.Socket socket, String message) throws IOException {
        byte[] msg = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        socket.getOutputStream().write(msg);
        socket.getOutputStream().flush();
        byte[] back = socket.getInputStream().readNBytes(msg.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(msg, back);
    }

    public Socks5d server() {
        return server;
    }

    @Override
    public void close() {
        server.terminate();
        try {
            server.whenStopped().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("socks5d did not stop", e);
        }
    }
}
