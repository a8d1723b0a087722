package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * docs/operations.md, Health checks, for real: {@code java -jar target/socks5d.jar} in a subprocess
 * answers {@code /health/ready} 200 once it serves, and 503 with the reason as soon as SIGTERM starts
 * the graceful shutdown, while an open session still drains and {@code /health/live} still answers
 * 200; then it exits 0.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HealthIT {
    private final InetAddress lo = InetAddress.getLoopbackAddress();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void readyWhenServingAndNotReadyFromTheFirstMomentOfAGracefulShutdown() throws Exception {
        Path dir = Files.createTempDirectory("socks5d-health");
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, "socks5d.management.users.hash-iterations = 1000\n"
                + "socks5d.proxy.shutdown-grace = 30s\n");
        try (EchoServer echo = EchoServer.start(lo);
             ServerProcess server = ServerProcess.start(dir, "health", dir.resolve("data"), conf, List.of(),
                     List.of("-u", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD))) {
            // The HTTP listener binds before the SOCKS one: "starting" (503) until the SOCKS listener is bound.
            HttpResponse<String> ready = awaitStatus(server.ports.http(), 200);
            assertEquals("{\"status\":\"ready\"}", ready.body());
            assertTrue(ready.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

            try (Socks5Result held = Socks5Client.to(new InetSocketAddress(lo, server.ports.socks()))
                    .withAuth(ProxyHarness.USER, ProxyHarness.PASSWORD).connect(lo, echo.port())) {
                assertEquals(0, held.reply());
                ProxyHarness.assertEchoes(held.socket(), "before");

                server.process.destroy(); // SIGTERM
                HttpResponse<String> draining = awaitStatus(server.ports.http(), 503);
                assertEquals("{\"status\":\"not ready\",\"reason\":\"shutting down: draining open sessions\"}",
                        draining.body());
                assertEquals(200, get(server.ports.http(), "/health/live").statusCode(), "still alive while draining");
                ProxyHarness.assertEchoes(held.socket(), "still relayed while draining");
                assertTrue(server.process.isAlive());
            }
            assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "exits after the last session");
            assertEquals(0, server.process.exitValue());
        }
    }

    private HttpResponse<String> awaitStatus(int port, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                HttpResponse<String> r = get(port, "/health/ready");
                if (r.statusCode() == status) {
                    return r;
                }
            } catch (IOException e) {
                throw new AssertionError("the HTTP listener must stay up while sessions drain", e);
            }
            assertTrue(System.nanoTime() < deadline, "no " + status + " from /health/ready");
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
