package socks5d.management.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Tcp.ServerBinding;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;

import socks5d.management.ManagementFixture;
import socks5d.management.StateActors;
import socks5d.management.users.UserDirectory;

/**
 * The HTTP admin listener over real sockets (docs/operations.md, HTTP admin endpoint): readiness as
 * JSON through its transitions, unknown paths and methods, repeated failed logins answered later,
 * and max-connections enforced by closing the extra connection at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class AdminHttpServerIT {
    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Running(StateActors state, Readiness readiness, InetSocketAddress address) {
    }

    private Running start(Path dir, int maxConnections) {
        return start(dir, maxConnections, "10s");
    }

    private Running start(Path dir, int maxConnections, String firstRequestTimeout) {
        Config config = ManagementFixture.config(testKit, dir, Map.of(
                "socks5d.management.users.hash-iterations", 1000,
                "socks5d.management.max-connections", maxConnections,
                "socks5d.management.first-request-timeout", firstRequestTimeout));
        StateActors state = ManagementFixture.spawnState(testKit, config);
        ManagementFixture.addUser(testKit, state, "admin", "secret", UserDirectory.Role.ADMIN);
        Readiness readiness = new Readiness();
        ServerBinding b = AdminHttpServer.bind(testKit.system(), HttpSettings.fromConfig(config), state, readiness, 0)
                .toCompletableFuture().join();
        return new Running(state, readiness, b.localAddress());
    }

    @Test
    void readinessTransitionsAreAnsweredAsJsonWithTheReason(@TempDir Path dir) throws Exception {
        Running r = start(dir, 4);
        HttpResponse<String> starting = awaitBody(r, "/health/ready",
                "{\"status\":\"not ready\",\"reason\":\"starting: SOCKS listener not bound yet\"}");
        assertEquals(503, starting.statusCode());
        r.readiness().socksBound();
        HttpResponse<String> ready = get(r, "/health/ready", null);
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\"}", ready.body());
        r.readiness().draining();
        assertEquals("{\"status\":\"not ready\",\"reason\":\"shutting down: draining open sessions\"}",
                get(r, "/health/ready", null).body());
        assertEquals(200, get(r, "/health/live", null).statusCode());
        assertEquals(404, get(r, "/nothing", null).statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(r, "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<String> page = get(r, "/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());
    }

    @Test
    void repeatedFailedLoginsAreAnsweredLater(@TempDir Path dir) throws Exception {
        Running r = start(dir, 4);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8));
        long before = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertEquals(401, get(r, "/api/login", wrong).statusCode());
        }
        long elapsedMs = (System.nanoTime() - before) / 1_000_000;
        // Three failures are answered at once, the 4th and 5th wait 200 and 400 ms (login-throttle's
        // defaults, docs/operations.md, Limits).
        assertTrue(elapsedMs >= 600, "failures were not slowed down: " + elapsedMs + " ms");
        String right = "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = get(r, "/api/login", right);
        assertEquals(200, ok.statusCode());
        assertEquals("{\"user\":\"admin\",\"role\":\"ADMIN\"}", ok.body());
    }

    @Test
    void anAdminSetsAUsersLimitsWhichTheDataPlaneReads(@TempDir Path dir) throws Exception {
        Running r = start(dir, 4);
        ManagementFixture.addUser(testKit, r.state(), "carol", "pw", UserDirectory.Role.BASIC);
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> set = post(r, "/api/limits", admin, "name=carol&sessions=3&bandwidth=250000");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("{\"name\":\"carol\",\"sessions\":3,\"bandwidth\":250000}", set.body());
        // Published before the answer: the data plane's next session of carol is limited.
        assertEquals(new UserDirectory.Limits(3, 250_000), r.state().publishedUsers().current().limits("carol"));
        assertEquals(200, post(r, "/api/limits", admin, "name=carol&sessions=-&bandwidth=0").statusCode());
        assertEquals(new UserDirectory.Limits(-1, 0), r.state().publishedUsers().current().limits("carol"));
        assertEquals(404, post(r, "/api/limits", admin, "name=nobody&sessions=1").statusCode());
        assertEquals(400, post(r, "/api/limits", admin, "name=carol&sessions=-5").statusCode());
        String basic = "Basic " + Base64.getEncoder().encodeToString("carol:pw".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, post(r, "/api/limits", basic, "name=carol&sessions=99").statusCode());
        assertEquals(new UserDirectory.Limits(-1, 0), r.state().publishedUsers().current().limits("carol"));
    }

    private HttpResponse<String> post(Running r, String path, String authorization, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(r, path)).header("Authorization", authorization)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aConnectionBeyondMaxConnectionsIsClosedAtOnce(@TempDir Path dir) throws Exception {
        Running r = start(dir, 1);
        try (Socket first = new Socket()) {
            first.connect(r.address(), 5000);
            first.setSoTimeout(5000);
            String request = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
            first.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(first.getInputStream()).startsWith("HTTP/1.1 200"));
            try (Socket second = new Socket()) {
                second.connect(r.address(), 5000);
                second.setSoTimeout(5000);
                OutputStream out = second.getOutputStream();
                try {
                    out.write(request.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closedAlready) {
                    // also a refusal
                }
                assertEquals(-1, readOrEnd(second.getInputStream()), "closed without an answer");
            }
        }
    }

    /**
     * Thousands of small requests pipelined in one write: pekko-http's parser recursed once per request
     * of a read and overflowed its thread's stack, and Pekko then ended the JVM. All are answered, in
     * order, and the listener serves the next connection.
     */
    @Test
    void thousandsOfPipelinedRequestsInOneWriteAreAllAnswered(@TempDir Path dir) throws Exception {
        Running r = start(dir, 4);
        int n = 5000;
        byte[] one = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[one.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        try (Socket s = new Socket()) {
            s.connect(r.address(), 5000);
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(all);
                } catch (IOException e) {
                    // the reader below fails the test
                }
            });
            writer.start();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < n; i++) {
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), "response " + i + ": " + head);
                in.readNBytes(contentLength(head));
            }
            writer.join(10_000);
        }
        assertEquals(200, get(r, "/health/live", null).statusCode(), "the listener still serves");
    }

    /** A request sent a byte at a time (slowloris) does not hold one of max-connections: closed at first-request-timeout. */
    @Test
    void aRequestThatNeverCompletesIsClosed(@TempDir Path dir) throws Exception {
        Running r = start(dir, 4, "1s");
        try (Socket s = new Socket()) {
            s.connect(r.address(), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean open = true;
            while (open && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4)) {
                Thread.sleep(200);
                try {
                    out.write('a');
                } catch (IOException closed) {
                    open = false;
                }
            }
            assertEquals(-1, readOrEnd(s.getInputStream()), "closed without an answer, as when the client closes");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
        assertEquals(200, get(r, "/health/live", null).statusCode());
    }

    @Test
    void bytesReachTheParserInPiecesOfAtMost512() {
        byte[] big = new byte[1300];
        List<ByteString> p = AdminHttpServer.pieces(ByteString.fromArray(big));
        assertEquals(List.of(512, 512, 276), p.stream().map(ByteString::size).toList());
        assertEquals(1, AdminHttpServer.pieces(ByteString.fromArray(new byte[512])).size());
    }

    /** The Content-Length of a response head. */
    private static int contentLength(String head) {
        return Integer.parseInt(head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .findFirst().orElseThrow().substring(15).trim());
    }

    /** The next octet, or -1 at the end or on a reset; a read that times out is a failure (still open). */
    private static int readOrEnd(InputStream in) {
        try {
            return in.read();
        } catch (java.net.SocketTimeoutException stillOpen) {
            throw new AssertionError("the connection is still open", stillOpen);
        } catch (IOException reset) {
            return -1;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private HttpResponse<String> awaitBody(Running r, String path, String body) throws Exception {
        long deadline = System.nanoTime() + ManagementFixture.WAIT.toNanos();
        while (true) {
            HttpResponse<String> res = get(r, path, null);
            if (res.body().equals(body) || System.nanoTime() > deadline) {
                assertEquals(body, res.body());
                return res;
            }
            Thread.sleep(20);
        }
    }

    private URI uri(Running r, String path) {
        return URI.create("http://127.0.0.1:" + r.address().getPort() + path);
    }

    private HttpResponse<String> get(Running r, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(r, path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
