package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.bytes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.management.ctl.Socks5Ctl;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.RawConnection;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * docs/protocols/ (MCP, MASS, PCTP): the management protocols change the running proxy. A user
 * added over MCP (with socks5ctl) can use the proxy on the next connection and survives a restart;
 * a removed one cannot; MASS switches authentication off and on; PCTP and MCP show the proxy's own
 * counters and sessions.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ManagementPlaneIT {
    private static final Duration T = Duration.ofSeconds(5);
    private final InetAddress lo = InetAddress.getLoopbackAddress();

    @Test
    void usersAddedAndRemovedOverMcpTakeEffectOnTheProxyAndSurviveARestart() throws Exception {
        Path data = Files.createTempDirectory("socks5d-mgmt");
        int mcp = freePort();
        String config = "socks5d.management.mcp.port = " + mcp;
        try (EchoServer echo = EchoServer.start(lo)) {
            try (ProxyHarness proxy = ProxyHarness.start(config, data)) {
                assertEquals(1, SocksLogins.authStatus(proxy.socks(), "bob", "pw-1"), "unknown before the add");
                assertEquals(0, ctl(mcp, "add-user", "bob", "pw-1").exit());
                assertEquals(0, SocksLogins.connectAs(proxy.socks(), "bob", "pw-1", echo.port()),
                        "usable on the next connection");
            }
            try (ProxyHarness restarted = ProxyHarness.start(config, data)) {
                assertEquals(0, SocksLogins.connectAs(restarted.socks(), "bob", "pw-1", echo.port()),
                        "still there after a restart");
                Ctl users = ctl(mcp, "--json", "users");
                assertTrue(users.out().contains("\"bob\""), users.out());
                assertEquals(0, ctl(mcp, "del-user", "bob").exit());
                assertEquals(1, SocksLogins.authStatus(restarted.socks(), "bob", "pw-1"), "refused once removed");
            }
        }
    }

    @Test
    void massSwitchesSocksAuthenticationOffAndOn() throws Exception {
        int mass = freePort();
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start("socks5d.management.mass.port = " + mass)) {
            assertArrayEquals(bytes("00"), mass(mass, bytes("0c 01")), "authentication off");
            awaitMethod(proxy, Socks5Frames.METHOD_NO_AUTH);
            try (Socks5Result r = Socks5Client.to(proxy.socks()).connect(lo, echo.port())) {
                assertEquals(0, r.reply(), "no credentials needed now");
                ProxyHarness.assertEchoes(r.socket(), "open door");
            }
            assertArrayEquals(bytes("00"), mass(mass, bytes("0c 00")), "authentication on");
            awaitMethod(proxy, Socks5Frames.METHOD_NONE_ACCEPTABLE);
        }
    }

    @Test
    void pctpAndMcpShowTheProxysSessions() throws Exception {
        int[] free = socks5d.testkit.process.ChildProcess.freePorts(2); // two different ports
        int mcp = free[0];
        int pctp = free[1];
        try (EchoServer echo = EchoServer.start(lo);
             ProxyHarness proxy = ProxyHarness.start("socks5d.management.mcp.port = " + mcp
                     + "\nsocks5d.management.pctp.port = " + pctp)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(0,
                        SocksLogins.connectAs(proxy.socks(), ProxyHarness.USER, ProxyHarness.PASSWORD, echo.port()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.metrics().successfulConnections() < 3 || proxy.metrics().currentConnections() > 0) {
                assertTrue(System.nanoTime() < deadline, "sessions did not end");
                Thread.onSpinWait();
            }
            Ctl metrics = ctl(mcp, "--json", "metrics");
            assertEquals(0, metrics.exit(), metrics.err());
            assertTrue(metrics.out().contains("\"successful_connections\":3"), metrics.out());

            List<String> stats = pctp(pctp, "STATS");
            assertTrue(stats.contains("successful_connections: 3"), stats.toString());
            assertTrue(stats.contains("current_connections: 0"), stats.toString());
            List<String> logs = pctp(pctp, "LOGS 1");
            String line = logs.stream().filter(l -> l.contains("\tA\t")).findFirst().orElseThrow();
            String[] fields = line.split("\t");
            assertEquals(10, fields.length, line);
            assertEquals(ProxyHarness.USER, fields[1]);
            assertEquals(Integer.toString(echo.port()), fields[6]);
            assertEquals("0", fields[7]);
            assertEquals("Auth", fields[9]);
        }
    }

    // ---- helpers ----

    private record Ctl(int exit, String out, String err) {
    }

    private static Ctl ctl(int mcpPort, String... command) {
        List<String> args = new ArrayList<>(List.of("-L", "127.0.0.1", "-P", Integer.toString(mcpPort)));
        args.addAll(List.of(command));
        Writer out = new StringWriter();
        Writer err = new StringWriter();
        int exit = Socks5Ctl.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Ctl(exit, out.toString(), err.toString());
    }

    /** One MASS session as ADMIN: method negotiation, RFC 1929 login, one request; returns the reply. */
    private byte[] mass(int port, byte[] request) throws IOException {
        try (RawConnection c = RawConnection.open(new InetSocketAddress(lo, port), T)) {
            c.send(Socks5Frames.concat(bytes("01 01 02"), Socks5Frames.userPass(ProxyHarness.USER, ProxyHarness.PASSWORD)));
            assertArrayEquals(bytes("01 02 01 00"), c.readExactly(4, T));
            c.send(request);
            return c.readAllUntilClose(T);
        }
    }

    /** Logs in to PCTP as ADMIN, sends one command and returns its reply lines up to the empty line. */
    private List<String> pctp(int port, String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(lo, port), 5000);
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
            out.print("USER " + ProxyHarness.USER + "\r\nPASS " + ProxyHarness.PASSWORD + "\r\n");
            out.flush();
            assertTrue(in.readLine().startsWith("+OK"));
            assertTrue(in.readLine().startsWith("+OK"));
            out.print(command + "\r\n");
            out.flush();
            List<String> lines = new ArrayList<>();
            for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {
                lines.add(l);
            }
            assertTrue(lines.get(0).startsWith("+OK"), lines.toString());
            return lines;
        }
    }



    /** Switches reach the proxy asynchronously: wait until a no-auth greeting gets {@code method}. */
    private static void awaitMethod(ProxyHarness proxy, int method) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (RawConnection c = RawConnection.open(proxy.socks(), T)) {
                c.send(Socks5Frames.greeting(Socks5Frames.METHOD_NO_AUTH));
                if ((c.readExactly(2, T)[1] & 0xFF) == method) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "method " + method + " never chosen");
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        return socks5d.testkit.process.ChildProcess.freePort();
    }
}
