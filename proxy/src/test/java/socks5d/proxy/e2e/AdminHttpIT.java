package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * docs/operations.md, HTTP admin endpoint: {@code /metrics} is valid Prometheus exposition (checked
 * by {@code promtool check metrics} and by a strict line parser here) whose values are the traffic
 * this test sent through the proxy; OpenMetrics when asked for; the JSON API changes users only for
 * an ADMIN and never answers a password; the status page works in a real headless Chromium.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminHttpIT {
    private static final Duration T = Duration.ofSeconds(5);
    /** {@code name{labels} value}: the Prometheus text format's sample line, without timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)$");
    private final InetAddress lo = InetAddress.getLoopbackAddress();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(T).build();

    @Test
    void metricsAreValidExpositionAndCountTheTrafficSentThroughTheProxy() throws Exception {
        int port = freePort();
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start("socks5d.management.http.port = " + port)) {
            int sessions = 5;
            int size = 1000;
            for (int i = 0; i < sessions; i++) {
                try (Socks5Result r = proxy.client().connect(lo, echo.port())) {
                    assertEquals(0, r.reply());
                    ProxyHarness.assertEchoes(r.socket(), "x".repeat(size));
                }
            }
            try (Socks5Result r = proxy.client().connect(lo, closedPort())) {
                assertEquals(5, r.reply(), "connection refused");
            }
            try (Socks5Result r = proxy.client().connect(lo, port)) {
                assertEquals(2, r.reply(), "the proxy's own HTTP admin port is refused by the ruleset");
            }
            awaitEnded(proxy, sessions + 2);

            HttpResponse<String> text = get(port, "/metrics", "text/plain");
            assertEquals(200, text.statusCode());
            assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    text.headers().toString());
            promtoolAccepts(text.body());
            Map<String, Double> m = parse(text.body());
            assertEquals(sessions + 2.0, m.get("socks5d_connections_total"));
            assertEquals(sessions * (double) size, m.get("socks5d_bytes_total{direction=\"client_to_destination\"}"));
            assertEquals(sessions * (double) size, m.get("socks5d_bytes_total{direction=\"destination_to_client\"}"));
            assertEquals(1.0, m.get("socks5d_failures_total{code=\"0x05\",reply=\"connection_refused\"}"));
            assertEquals(1.0, m.get("socks5d_ruleset_refusals_total"));
            assertEquals(sessions + 0.0, m.get("socks5d_sessions_succeeded_total"));
            assertEquals(0.0, m.get("socks5d_sessions"));
            assertEquals(0.0, m.get("socks5d_auth_failures_total"));
            assertEquals(sessions + 2.0, m.get("socks5d_auth_attempts_total"));
            assertEquals(sessions + 2.0, m.get("socks5d_handshake_duration_seconds_count"),
                    "every session got a reply");
            assertEquals(sessions + 2.0, m.get("socks5d_handshake_duration_seconds_bucket{le=\"+Inf\"}"));
            assertEquals(sessions + 2.0, m.get("socks5d_connect_duration_seconds_count"),
                    "every CONNECT, the refused and the ruleset-refused ones included");
            assertTrue(m.get("socks5d_connect_duration_seconds_sum") > 0);
            assertEquals(1.0, m.get("socks5d_users"));
            assertEquals(1.0, m.get("socks5d_ready"));
            assertTrue(m.containsKey("jvm_memory_used_bytes{area=\"heap\"}"), "the client's JVM metrics");
            assertTrue(text.body().contains("# TYPE socks5d_handshake_duration_seconds histogram"));

            HttpResponse<String> om = get(port, "/metrics", "application/openmetrics-text; version=1.0.0");
            assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                    om.headers().toString());
            assertTrue(om.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
            assertTrue(om.body().contains("socks5d_connections_total " + (sessions + 2) + ".0"), om.body());
        }
    }

    @Test
    void onlyAnAdminChangesUsersAndNoPasswordIsEverAnswered() throws Exception {
        int port = freePort();
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start("socks5d.management.http.port = " + port)) {
            assertEquals(401, post(port, "/api/users", null, "name=carol&password=pw-carol").statusCode());
            HttpResponse<String> added = post(port, "/api/users", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD,
                    "name=carol&password=pw-carol&role=BASIC");
            assertEquals(201, added.statusCode(), added.body());
            assertEquals("{\"added\":\"carol\",\"role\":\"BASIC\"}", added.body());
            HttpResponse<String> byBasic = post(port, "/api/users", "carol:pw-carol", "name=mallory&password=pw-m");
            assertEquals(401, byBasic.statusCode(), "a BASIC user is no ADMIN");
            assertEquals(401, post(port, "/api/switches", "carol:pw-carol", "auth-required=off").statusCode());
            HttpResponse<String> wrong = post(port, "/api/users", ProxyHarness.USER + ":wrong", "name=m&password=p");
            assertEquals(401, wrong.statusCode());
            try (Socks5Result r = Socks5Client.to(proxy.socks()).withAuth("carol", "pw-carol").connect(lo, echo.port())) {
                assertEquals(0, r.reply(), "the user added over HTTP authenticates over SOCKS");
            }
            HttpResponse<String> status = get(port, "/api/status", "application/json");
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("{\"name\":\"carol\",\"role\":\"BASIC\"}"), status.body());
            for (String body : new String[] {status.body(), added.body(), byBasic.body(), wrong.body()}) {
                assertFalse(body.contains("pw-carol") || body.contains(ProxyHarness.PASSWORD), body);
            }
            HttpResponse<String> off = post(port, "/api/switches", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD,
                    "dissectors=off");
            assertEquals("{\"authRequired\":true,\"dissectors\":false,\"relayBufferSize\":65536}", off.body());
        }
    }

    @Test
    void statusPageRendersMovesWithTrafficAndLetsOnlyAnAdminAddUsers() throws Exception {
        boolean present = Chromium.executable() != null;
        if (System.getenv("SOCKS5D_REQUIRE_E2E") != null) {
            assertTrue(present, "chromium is not installed (SOCKS5D_REQUIRE_E2E is set)");
        }
        Assumptions.assumeTrue(present, "chromium is not installed");
        int port = freePort();
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start("socks5d.management.http.port = " + port);
             Chromium browser = Chromium.launch(1100, 1250)) {
            post(port, "/api/users", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD,
                    "name=viewer&password=pw-viewer&role=BASIC");
            browser.navigate("http://127.0.0.1:" + port + "/");
            Duration wait = Duration.ofSeconds(15);
            browser.await("the page to show readiness", wait,
                    () -> browser.eval("document.getElementById('ready')?.textContent || ''").equals("ready"));
            assertEquals("0", browser.eval("document.getElementById('historic').textContent"));
            assertTrue(browser.eval("document.querySelector('#users tbody').textContent").contains("viewer"));

            // Figures move when traffic flows: a held session and bulk transfers.
            try (Socks5Result held = proxy.client().connect(lo, echo.port())) {
                for (int i = 0; i < 3; i++) {
                    try (Socks5Result r = proxy.client().connect(lo, echo.port())) {
                        ProxyHarness.assertEchoes(r.socket(), "y".repeat(200_000));
                    }
                }
                ProxyHarness.assertEchoes(held.socket(), "hello");
                browser.await("connections to show", wait, () -> browser.eval(
                        "document.getElementById('historic').textContent").equals("4")
                        && browser.eval("document.getElementById('current').textContent").equals("1"));
                browser.await("the sessions table", wait, () -> browser.eval(
                        "document.querySelectorAll('#sessions tbody tr').length").equals("3"));
                browser.await("the chart to have points", wait, () -> Integer.parseInt(browser.eval(
                        "document.getElementById('rate-in').textContent.length")) > 0);
                assertFalse(browser.eval("document.body.className").contains("is-admin"));

                // A BASIC user cannot log in as ADMIN, nor add users with its credentials.
                login(browser, "viewer", "pw-viewer");
                browser.await("the refusal", wait, () -> browser.eval("document.getElementById('message').textContent")
                        .startsWith("login:"));
                assertFalse(browser.eval("document.body.className").contains("is-admin"));
                assertEquals("401", browser.eval("fetch('/api/users', {method: 'POST', headers: {'Authorization': 'Basic "
                        + base64("viewer:pw-viewer") + "', 'Content-Type': 'application/x-www-form-urlencoded'},"
                        + " body: 'name=x&password=y'}).then(r => r.status)"));

                // An ADMIN adds a user through the form; the user then authenticates over SOCKS.
                login(browser, ProxyHarness.USER, ProxyHarness.PASSWORD);
                browser.await("the ADMIN view", wait, () -> browser.eval("document.body.className").contains("is-admin"));
                browser.eval("(() => { document.getElementById('new-name').value = 'dave';"
                        + " document.getElementById('new-pass').value = 'pw-dave';"
                        + " document.getElementById('add-button').click(); return 'ok'; })()");
                browser.await("the new user in the table", wait, () -> browser.eval(
                        "document.querySelector('#users tbody').textContent").contains("dave"));
                assertFalse(browser.eval("document.documentElement.outerHTML").contains("pw-dave"),
                        "no password in the page");
                try (Socks5Result r = Socks5Client.to(proxy.socks()).withAuth("dave", "pw-dave")
                        .connect(lo, echo.port())) {
                    assertEquals(0, r.reply());
                    ProxyHarness.assertEchoes(r.socket(), "z".repeat(300_000));
                }
                browser.await("the throughput figures", wait, () -> !browser.eval(
                        "document.getElementById('rate-in').textContent").equals("0 B/s"));
                // Let the chart draw a few seconds of history for the screenshot.
                TimeUnit.MILLISECONDS.sleep(1500);
                for (int i = 0; i < 4; i++) {
                    try (Socks5Result r = proxy.client().connect(lo, echo.port())) {
                        ProxyHarness.assertEchoes(r.socket(), "w".repeat(100_000 * (i + 1)));
                    }
                    TimeUnit.MILLISECONDS.sleep(1000);
                }
                Path shot = Path.of("target", "status-page.png");
                Files.write(shot, browser.screenshot());
                assertTrue(Files.size(shot) > 10_000, "a real screenshot");
            }
        }
    }

    private static void login(Chromium browser, String user, String password) {
        browser.eval("(() => { document.getElementById('login-user').value = " + Chromium.quote(user) + ";"
                + " document.getElementById('login-pass').value = " + Chromium.quote(password) + ";"
                + " document.getElementById('login-button').click(); return 'ok'; })()");
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The samples of a text exposition, keyed by {@code name{labels}}: every line is a comment
     * ({@code # HELP}, {@code # TYPE}) or a sample line, and no sample repeats; fails otherwise.
     */
    static Map<String, Double> parse(String exposition) {
        Map<String, Double> out = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            assertTrue(s.matches(), "not a sample line: " + line);
            String key = s.group(1) + (s.group(2) == null ? "" : s.group(2));
            assertFalse(out.containsKey(key), "repeated sample " + key);
            String v = s.group(3);
            out.put(key, v.equals("+Inf") ? Double.POSITIVE_INFINITY : v.equals("-Inf") ? Double.NEGATIVE_INFINITY
                    : Double.parseDouble(v));
        }
        return out;
    }

    /** {@code promtool check metrics} (Debian's prometheus package) reads the exposition without complaint. */
    static void promtoolAccepts(String exposition) throws IOException, InterruptedException {
        boolean present = Files.isExecutable(Path.of("/usr/bin/promtool"));
        if (System.getenv("SOCKS5D_REQUIRE_E2E") != null) {
            assertTrue(present, "promtool is not installed (SOCKS5D_REQUIRE_E2E is set)");
        }
        if (!present) {
            return;
        }
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics: " + said);
        assertEquals("", said.trim(), "promtool has no lint findings");
    }

    private void awaitEnded(ProxyHarness proxy, int sessions) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (proxy.metrics().successfulConnections() + proxy.metrics().failedConnections() < sessions
                || proxy.metrics().currentConnections() > 0) {
            assertTrue(System.nanoTime() < deadline, "sessions did not end");
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private HttpResponse<String> get(int port, String path, String accept) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(T)
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String path, String credentials, String form)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(T)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (credentials != null) {
            b.header("Authorization", "Basic " + base64(credentials));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        return socks5d.testkit.process.ChildProcess.freePort();
    }

    /** A loopback port nothing listens on (just released). */
    private static int closedPort() throws IOException {
        return freePort();
    }
}
