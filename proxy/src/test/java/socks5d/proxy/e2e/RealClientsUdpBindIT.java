package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.proxy.Started;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.UdpEchoServer;

/**
 * BIND and UDP ASSOCIATE (RFC 1928 §6, §7) driven by real client libraries: PySocks (Debian's
 * {@code python3-socks}) sending UDP through {@code socks.socksocket(AF_INET, SOCK_DGRAM)}, and the npm
 * package {@code socks} (installed by {@code npm ci} in {@code proxy/src/test/node}) doing CONNECT, BIND
 * and UDP ASSOCIATE. The scripts are in {@code src/test/resources/realclients}. Skipped when a client is
 * not installed, unless {@code SOCKS5D_REQUIRE_E2E} is set ({@code .ci/run} sets it and installs both).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealClientsUdpBindIT {
    private static final long PROCESS_SECONDS = 30;
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final Started started = new Started();
    private EchoServer echo;
    private UdpEchoServer udpEcho;
    private ProxyHarness proxy;

    @BeforeAll
    void start() {
        echo = started.add(EchoServer.start(loopback));
        udpEcho = started.add(UdpEchoServer.start(loopback));
        proxy = started.add(ProxyHarness.start(""));
    }

    @AfterAll
    void stop() {
        started.close();
    }

    @Test
    void pysocksSendsUdpThroughAnAuthenticatedAssociation() throws Exception {
        String python = pythonWithPySocks();
        Result r = run(Map.of(), python, script("pysocks_udp.py"), "127.0.0.1",
                Integer.toString(proxy.socks().getPort()), ProxyHarness.USER, ProxyHarness.PASSWORD,
                "127.0.0.1", Integer.toString(udpEcho.port()));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("received 'ping over socks5d' from 127.0.0.1:" + udpEcho.port()), r.toString());
        assertTrue(r.stdout().contains("received 'second datagram' from 127.0.0.1:" + udpEcho.port()), r.toString());
        assertTrue(r.stdout().endsWith("OK\n"), r.toString());
        assertTrue(udpEcho.receivedCount() >= 2, "the datagrams reached the target");
    }

    @Test
    void npmSocksDoesConnectBindAndUdpAssociate() throws Exception {
        Path modules = nodeModulesWithSocks();
        Result r = run(Map.of("NODE_PATH", modules.toString()), "node", script("socks_client.js"), "127.0.0.1",
                Integer.toString(proxy.socks().getPort()), ProxyHarness.USER, ProxyHarness.PASSWORD,
                Integer.toString(echo.port()), Integer.toString(udpEcho.port()));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of(
                "CONNECT: echo \"hello via CONNECT\"",
                "BIND: second reply, peer 127.0.0.1:<peer port>",
                "BIND: client received \"from the peer\"",
                "BIND: peer received \"to the peer\"",
                "UDP ASSOCIATE: relay 127.0.0.1:<port>",
                "UDP ASSOCIATE: frame 0 from 127.0.0.1:<echo port> \"datagram via socks5d\"",
                "OK"), r.stdout().lines().filter(l -> !l.startsWith("BIND: first reply")).toList(), r.toString());
        assertTrue(r.stdout().contains("BIND: first reply, proxy listens on 127.0.0.1:"), r.toString());
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("e2e", ".out");
        Path err = Files.createTempFile("e2e", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + Files.readString(out));
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        System.out.print(r.stdout()); // the session, for the build log
        return r;
    }

    private static String script(String name) throws URISyntaxException {
        return Path.of(RealClientsUdpBindIT.class.getResource("/realclients/" + name).toURI()).toString();
    }

    /** The first of python3 on PATH and Debian's /usr/bin/python3 that imports PySocks. */
    private static String pythonWithPySocks() throws InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import socks").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
                p.destroyForcibly();
            } catch (IOException notThere) {
                // try the next interpreter
            }
        }
        require(false, "PySocks (python3-socks) is not importable by python3 or /usr/bin/python3");
        return null;
    }

    /** proxy/src/test/node/node_modules, when node runs and `npm ci` installed the socks package there. */
    private static Path nodeModulesWithSocks() throws InterruptedException {
        Path modules = Path.of("src/test/node/node_modules").toAbsolutePath();
        boolean node;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            node = p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException notThere) {
            node = false;
        }
        require(node, "node is not installed");
        require(Files.isRegularFile(modules.resolve("socks/package.json")),
                "the npm package socks is not installed in " + modules + " (run npm ci there)");
        return modules;
    }

    private static void require(boolean present, String why) {
        if (System.getenv("SOCKS5D_REQUIRE_E2E") != null) {
            assertTrue(present, why + " (SOCKS5D_REQUIRE_E2E is set)");
        }
        Assumptions.assumeTrue(present, why);
    }
}
