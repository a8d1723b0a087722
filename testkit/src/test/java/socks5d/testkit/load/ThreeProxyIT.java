package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.SourceServer;

/**
 * 3proxy as a benchmark peer, started from the config {@link ProxyProcess} writes: it relays for the
 * benchmark user only (or for anyone without authentication), the loads read its CPU over their measured
 * phase, and closing it stops it. 3proxy is not packaged, so this runs only where a binary is given with
 * {@code -Dsocks5d.bench.3proxy=PATH/bin/3proxy} or {@code 3proxy} is on the PATH, and is skipped
 * elsewhere.
 */
@EnabledOnOs(OS.LINUX)
class ThreeProxyIT {
    static final String BINARY_PROPERTY = "socks5d.bench.3proxy";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STARTUP = Duration.ofSeconds(20);

    private static String binary() {
        String configured = System.getProperty(BINARY_PROPERTY, "").trim();
        String program = configured.isEmpty() ? ProxyProcess.THREE_PROXY : configured;
        assumeTrue(Benchmark.missingExecutable(program).isEmpty(),
                "no 3proxy binary: set -D" + BINARY_PROPERTY + "=PATH/bin/3proxy to run this");
        return program;
    }

    @Test
    @Timeout(120)
    void relaysOnlyForTheBenchUserAndTheLoadsReadItsCpu() throws Exception {
        String binary = binary();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        long pid;
        try (SourceServer source = SourceServer.start(loopback);
             EchoServer echo = EchoServer.start(loopback);
             Progress progress = new Progress(new PrintStream(new ByteArrayOutputStream(), true,
                     StandardCharsets.UTF_8));
             ProxyProcess p = ProxyProcess.peer(ProxyProcess.THREE_PROXY, binary, STARTUP)) {
            pid = p.pid();
            assertEquals(ProxyProcess.THREE_PROXY, p.name());
            assertTrue(p.authRequired());
            assertTrue(p.memory().orElseThrow().vmRssKiB() > 0);

            Route bench = Route.socks(p.address(), ProxyProcess.USER, ProxyProcess.PASSWORD, TIMEOUT);
            Map<String, Object> t1 = DownloadLoad.run(bench, source.socketAddress(), 1, 256L << 20, true,
                    progress, p::cpuTime);
            CpuTime.addPerUnit(Scenario.T1, t1);
            assertEquals(0L, t1.get("errors"), t1.toString());
            assertEquals(0L, t1.get("corruptStreams"), t1.toString());
            // relaying 256 MiB takes 3proxy well over one 10 ms clock tick of CPU
            assertTrue(((Number) t1.get(CpuTime.CPU_SECONDS)).doubleValue() > 0, t1.toString());
            assertTrue(((Number) t1.get(CpuTime.CPU_SECONDS_PER_GB)).doubleValue() > 0, t1.toString());

            Map<String, Object> c = TransactionLoad.run(bench, echo.socketAddress(), 300, 30, 2, 4, progress,
                    new Warmup.Watched(p::cpuTime, p::compilerCpuTime), Warmup.Watched.NOTHING);
            CpuTime.addPerUnit(Scenario.C, c);
            assertEquals(300, c.get("ok"), c.toString());
            assertTrue(((Number) c.get(CpuTime.CPU_MS_PER_TX)).doubleValue() >= 0, c.toString());

            // 3proxy accepts any RFC 1929 password and checks it at the request: CONNECT is refused
            Route wrong = Route.socks(p.address(), ProxyProcess.USER, "wrong", TIMEOUT);
            assertThrows(IOException.class, () -> wrong.open(echo.socketAddress()).close());
            Route anonymous = Route.socks(p.address(), null, null, TIMEOUT);
            assertThrows(IOException.class, () -> anonymous.open(echo.socketAddress()).close());
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "3proxy stopped on close");
    }

    @Test
    @Timeout(60)
    void withoutAuthenticationRelaysForAnyone() throws Exception {
        String binary = binary();
        try (EchoServer echo = EchoServer.start(InetAddress.getByName("127.0.0.1"));
             ProxyProcess p = ProxyProcess.peer(ProxyProcess.THREE_PROXY_NO_AUTH_PEER, binary, STARTUP)) {
            assertEquals("3proxy (no auth)", p.name());
            assertFalse(p.authRequired());
            try (Socket s = Route.socks(p.address(), null, null, TIMEOUT).open(echo.socketAddress())) {
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(hello);
                byte[] back = new byte[hello.length];
                Route.readFully(s, back);
                assertEquals("hello", new String(back, StandardCharsets.US_ASCII));
            }
        }
    }
}
