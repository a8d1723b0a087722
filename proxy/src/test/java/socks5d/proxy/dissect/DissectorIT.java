package socks5d.proxy.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import socks5d.management.switches.Switches;
import socks5d.proxy.ProxyHarness;
import socks5d.proxy.Started;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.dns.LoopbackDnsServer;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.HttpServer;
import socks5d.testkit.target.Pop3Server;

/**
 * The password dissectors in a running socks5d (docs/protocols/socks5.md, Credential lines):
 * sessions through the proxy to embedded POP3, HTTP and echo targets, with the
 * {@code socks5d.credentials} logger captured. A report is written while the client's bytes pass
 * the relay, before they reach the target, so once the client has the target's answer the report
 * (or its absence) is final.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DissectorIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

    /** Keeps the message of every event of the credentials logger. Thread-safe. */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    }

    private final Started started = new Started();
    private final Capture capture = new Capture();
    private final Logger credentials = (Logger) LoggerFactory.getLogger(CredentialLog.LOGGER);
    private LoopbackDnsServer dns;
    private Pop3Server pop3;
    private HttpServer http;
    private EchoServer echo;
    private ProxyHarness proxy;

    @BeforeAll
    void start() {
        capture.setContext(credentials.getLoggerContext());
        capture.start();
        credentials.addAppender(capture);
        pop3 = started.add(Pop3Server.start(V4));
        http = started.add(HttpServer.start(V4));
        echo = started.add(EchoServer.start(V4));
        dns = started.add(LoopbackDnsServer.builder().record("mail.test", V4).start());
        proxy = started.add(ProxyHarness.start(dns.socks5dConfig()));
    }

    @AfterAll
    void stop() {
        started.close();
        credentials.detachAppender(capture);
        capture.stop();
    }

    @BeforeEach
    void clearCapture() {
        capture.lines.clear();
    }

    @Test
    void pop3LoginThroughTheProxyIsReportedOnceWithItsFields() throws Exception {
        try (Socks5Result r = proxy.client().connect("mail.test", pop3.port())) {
            assertEquals(0, r.reply(), r.toString());
            pop3Login(r, "alice", "s3cret");
        }
        assertTrue(pop3.credentials().contains(new Pop3Server.Credentials("alice", "s3cret")),
                "the login reached the target unchanged");
        List<String> lines = List.copyOf(capture.lines);
        assertEquals(1, lines.size(), lines.toString());
        String[] f = lines.get(0).split("\t", -1);
        assertTrue(TIMESTAMP.matcher(f[0]).matches(), f[0]);
        assertEquals(List.of("admin", "P", "POP3", "mail.test", String.valueOf(pop3.port()), "alice", "s3cret"),
                List.of(f).subList(1, f.length));
    }

    @Test
    void nothingIsReportedWhenDissectorsAreOffAtStart() throws Exception {
        try (ProxyHarness off = ProxyHarness.start("socks5d.management.switches.dissectors = off")) {
            try (Socks5Result r = off.client().connect(V4, pop3.port())) {
                assertEquals(0, r.reply(), r.toString());
                pop3Login(r, "bob", "hunter2");
            }
        }
        assertEquals(List.of(), capture.lines);
    }

    @Test
    void nonPop3SessionReportsNothing() throws Exception {
        try (Socks5Result r = proxy.client().connect(V4, echo.port())) {
            assertEquals(0, r.reply(), r.toString());
            OutputStream out = r.socket().getOutputStream();
            BufferedReader in = reader(r);
            for (String line : List.of("USER alice", "PASS s3cret", "+OK", "QUIT")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals(line, in.readLine());
            }
        }
        assertEquals(List.of(), capture.lines);
    }

    @Test
    void httpBasicAuthorizationThroughTheProxyIsReported() throws Exception {
        try (Socks5Result r = proxy.client().connect(V4, http.port())) {
            assertEquals(0, r.reply(), r.toString());
            OutputStream out = r.socket().getOutputStream();
            out.write(("GET /private HTTP/1.1\r\nHost: web.test\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", reader(r).readLine());
        }
        List<String> lines = List.copyOf(capture.lines);
        assertEquals(1, lines.size(), lines.toString());
        String[] f = lines.get(0).split("\t", -1);
        assertEquals(List.of("admin", "P", "HTTP", V4.getHostAddress(), String.valueOf(http.port()), "alice",
                "s3cret"), List.of(f).subList(1, f.length));
    }

    @Test
    void switchingOffLiveAffectsNewSessionsAndOnAgainReportsAgain() throws Exception {
        try {
            assertEquals(false, setDissectors(false).dissectorsOn());
            // The proxy reads the switch from a copy the switches actor updates asynchronously:
            // wait (bounded) for the first session without a report, then every later one has none.
            assertTrue(eventually(() -> pop3LoginThroughProxy("carol", "pw1").isEmpty()),
                    "dissectors were still reporting after being switched off");
            assertEquals(List.of(), pop3LoginThroughProxy("carol", "pw2"));
        } finally {
            assertEquals(true, setDissectors(true).dissectorsOn());
        }
        assertTrue(eventually(() -> !pop3LoginThroughProxy("dave", "pw3").isEmpty()),
                "dissectors did not report again after being switched on");
    }

    // ---- helpers ----

    private Switches.State setDissectors(boolean on) {
        return AskPattern.<Switches.Command, Switches.State>ask(proxy.bindings().state().switches(),
                replyTo -> new Switches.SetDissectors(on, replyTo), T, proxy.server().system().scheduler())
                .toCompletableFuture().join();
    }

    /** One POP3 login through the proxy; the credential lines it produced. */
    private List<String> pop3LoginThroughProxy(String user, String password) throws IOException {
        capture.lines.clear();
        try (Socks5Result r = proxy.client().connect(V4, pop3.port())) {
            assertEquals(0, r.reply(), r.toString());
            pop3Login(r, user, password);
        }
        return List.copyOf(capture.lines);
    }

    private interface Check {
        boolean holds() throws IOException;
    }

    /** Whether {@code check} holds within a bounded number of tries. */
    private static boolean eventually(Check check) throws IOException {
        for (int i = 0; i < 50; i++) {
            if (check.holds()) {
                return true;
            }
        }
        return false;
    }

    /** USER, PASS and QUIT in mixed case, each answer read before the next command. */
    private static void pop3Login(Socks5Result r, String user, String password) throws IOException {
        BufferedReader in = reader(r);
        OutputStream out = r.socket().getOutputStream();
        List<String> answers = new ArrayList<>();
        answers.add(in.readLine());
        for (String command : List.of("User " + user, "pass " + password, "QUIT")) {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            answers.add(in.readLine());
        }
        assertEquals(List.of(Pop3Server.GREETING.strip(), "+OK send PASS", "+OK logged in", "+OK bye"), answers);
    }

    private static BufferedReader reader(Socks5Result r) throws IOException {
        return new BufferedReader(new InputStreamReader(r.socket().getInputStream(), StandardCharsets.UTF_8));
    }
}
