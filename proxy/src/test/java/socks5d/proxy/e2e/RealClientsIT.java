package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.proxy.Started;
import socks5d.testkit.dns.LoopbackDnsServer;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.HttpServer;

/**
 * socks5d driven by the clients operators use: curl with {@code --socks5-hostname} (the proxy
 * resolves the name, here through the testkit's loopback DNS) and ncat with
 * {@code --proxy-type socks5}. Skipped when a client is not installed, unless
 * {@code SOCKS5D_REQUIRE_E2E} is set (CI sets it and installs both).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealClientsIT {
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final Started started = new Started();
    private LoopbackDnsServer dns;
    private HttpServer http;
    private EchoServer echo;
    private ProxyHarness proxy;

    @BeforeAll
    void start() {
        echo = started.add(EchoServer.start(loopback));
        http = started.add(HttpServer.start(loopback));
        dns = started.add(LoopbackDnsServer.builder().record("web.test", loopback).start());
        proxy = started.add(ProxyHarness.start(dns.socks5dConfig()));
    }

    @AfterAll
    void stop() {
        started.close();
    }

    @Test
    void curlFetchesAPageThroughTheProxyResolvingTheNameRemotely() throws Exception {
        requireTool("curl");
        String url = "http://web.test:" + http.port() + "/";
        Result r = run(null, "curl", "-sS", "--max-time", "20",
                "--socks5-hostname", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD + "@127.0.0.1:" + proxy.socks().getPort(),
                url);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(HttpServer.BODY, r.stdout());
        assertTrue(http.requests().get(0).header("Host").orElse("").startsWith("web.test"));
        assertTrue(dns.queriesFor("web.test").size() > 0, "the proxy, not curl, resolved the name");
    }

    @Test
    void curlIsRejectedWithAWrongPassword() throws Exception {
        requireTool("curl");
        Result r = run(null, "curl", "-sS", "--max-time", "20",
                "--socks5-hostname", ProxyHarness.USER + ":nope@127.0.0.1:" + proxy.socks().getPort(),
                "http://web.test:" + http.port() + "/");
        assertTrue(r.exit() != 0, "curl must fail");
        assertEquals("", r.stdout());
    }

    @Test
    void ncatRelaysAndPropagatesEndOfInput() throws Exception {
        requireTool("ncat");
        String input = "line one\nline two\n";
        Result r = run(input, "ncat", "--proxy", "127.0.0.1:" + proxy.socks().getPort(), "--proxy-type", "socks5",
                "--proxy-auth", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD,
                "127.0.0.1", Integer.toString(echo.port()));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(input, r.stdout());
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(String stdin, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("e2e", ".out");
        Path err = Files.createTempFile("e2e", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void requireTool(String tool) {
        boolean present = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            present |= Files.isExecutable(Path.of(dir, tool));
        }
        if (System.getenv("SOCKS5D_REQUIRE_E2E") != null) {
            assertTrue(present, tool + " is required (SOCKS5D_REQUIRE_E2E is set) but not on PATH");
        }
        Assumptions.assumeTrue(present, tool + " not installed");
    }
}
