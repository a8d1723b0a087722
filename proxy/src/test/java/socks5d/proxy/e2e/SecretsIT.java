package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.bytes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.mcp.wire.McpStatus;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.RawConnection;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.target.EchoServer;

/**
 * docs/operations.md, Logs and Files and permissions: passwords are never logged or stored in
 * clear. {@code socks5d.jar} runs with every logger at DEBUG (Pekko's own included) and dissectors
 * off ({@code -N}); every kind of session that carries a password runs once, succeeding and
 * failing; then neither standard output nor standard error holds any of the passwords, raw, base64
 * or hex, and the user file holds none and is readable by its owner only. Along the way MASS and
 * PCTP refuse a BASIC user (docs/protocols/mass.md, pctp.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsIT {
    private static final Duration T = Duration.ofSeconds(5);
    private final InetAddress lo = InetAddress.getLoopbackAddress();
    private final SecureRandom random = new SecureRandom();
    private final List<String> passwords = new ArrayList<>();

    @Test
    void noPasswordReachesTheLogsOrTheUserFile() throws Exception {
        Path work = Files.createTempDirectory("socks5d-secrets");
        Path data = work.resolve("data");
        Path conf = work.resolve("test.conf");
        Files.writeString(conf, "socks5d.management.users.hash-iterations = 1000\n"
                + "pekko.loglevel = DEBUG\n"
                + "pekko.actor.debug.unhandled = on\n"
                + "pekko.actor.debug.lifecycle = on\n");
        String admin = password();
        ServerProcess server = ServerProcess.start(work, "secrets", data, conf,
                List.of("-Dsocks5d.log.level=DEBUG"), List.of("-N", "-u", "admin:" + admin));
        try (server; EchoServer echo = EchoServer.start(lo)) {
            // SOCKS5 (RFC 1929): success and failure.
            assertEquals(0, SocksLogins.connectAs(server.socksAddress(), "admin", admin, echo.port()));
            assertEquals(1, SocksLogins.authStatus(server.socksAddress(), "admin", password()), "wrong password");
            assertEquals(1, SocksLogins.authStatus(server.socksAddress(), "nobody", password()), "unknown user");

            // MCP ADD_USER, and the new BASIC user on the proxy.
            String bob = password();
            try (ServerProcess.Mcp mcp = new ServerProcess.Mcp(server.ports.mcp())) {
                assertEquals(McpStatus.OK, mcp.call(new McpRequest.AddUser("bob", bob)).status());
                assertEquals(McpStatus.USER_EXISTS, mcp.call(new McpRequest.AddUser("bob", password())).status());
            }
            assertEquals(0, SocksLogins.connectAs(server.socksAddress(), "bob", bob, echo.port()));

            // MASS: ADMIN login and 0x0A add; a wrong password and a BASIC user are refused.
            String carol = password();
            assertArrayEquals(bytes("00"), mass(server, "admin", admin, addUser("carol", carol)));
            assertEquals(0, SocksLogins.connectAs(server.socksAddress(), "carol", carol, echo.port()));
            assertFalse(massLogin(server, "admin", password()), "wrong password");
            assertFalse(massLogin(server, "bob", bob),
                    "a BASIC user may not use MASS (docs/protocols/mass.md, Login)");

            // PCTP: ADMIN login and ADD; a wrong password and a BASIC user are refused.
            String dave = password();
            try (Pctp p = new Pctp(server.ports.pctp())) {
                assertTrue(p.login("admin", password()).startsWith("-ERR"), "wrong password");
                assertTrue(p.login("bob", bob).startsWith("-ERR"),
                        "a BASIC user may not use PCTP (docs/protocols/pctp.md, Session)");
                assertTrue(p.login("admin", admin).startsWith("+OK"));
                assertTrue(p.send("ADD BASIC").startsWith("+OK"));
                assertTrue(p.send("USER dave").startsWith("+OK"));
                assertTrue(p.send("PASS " + dave).startsWith("+OK"));
            }
            assertEquals(0, SocksLogins.connectAs(server.socksAddress(), "dave", dave, echo.port()));

            server.process.destroy(); // SIGTERM: a clean stop flushes the asynchronous product log
            assertTrue(server.process.waitFor(20, TimeUnit.SECONDS), "socks5d stops on SIGTERM");
        }

        List<String> out = Files.readAllLines(server.stdout, StandardCharsets.UTF_8);
        List<String> err = Files.readAllLines(server.stderr, StandardCharsets.UTF_8);
        assertTrue(err.stream().anyMatch(l -> l.contains(" DEBUG ")), "the server logged at DEBUG");
        assertTrue(out.stream().anyMatch(l -> l.contains("\tdave\tA\t")), "access lines were written: " + out);
        for (String line : out) {
            String[] fields = line.split("\t");
            assertFalse(fields.length > 2 && fields[2].equals("P"), "-N: no dissector report: " + line);
        }
        List<String> lines = new ArrayList<>(out);
        lines.addAll(err);
        for (String line : lines) {
            for (String password : passwords) {
                for (String form : CrashSafetyIT.forms(password)) {
                    assertFalse(line.contains(form), "a password in the server's output: " + line);
                }
            }
        }

        Path file = data.resolve("users.db");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        String stored = Files.readString(file, StandardCharsets.ISO_8859_1);
        for (String password : passwords) {
            for (String form : CrashSafetyIT.forms(password)) {
                assertFalse(stored.contains(form), "a password in the user file");
            }
        }
    }

    /** A fresh random password, remembered for the final checks. */
    private String password() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        String p = "S3cr" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        passwords.add(p);
        return p;
    }



    private static byte[] addUser(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[3 + u.length + p.length];
        out[0] = 0x0A;
        out[1] = (byte) u.length;
        System.arraycopy(u, 0, out, 2, u.length);
        out[2 + u.length] = (byte) p.length;
        System.arraycopy(p, 0, out, 3 + u.length, p.length);
        return out;
    }

    /** One MASS session: login, one request; returns the reply. */
    private byte[] mass(ServerProcess server, String user, String password, byte[] request) throws IOException {
        try (RawConnection c = RawConnection.open(new InetSocketAddress(lo, server.ports.mass()), T)) {
            c.send(Socks5Frames.concat(bytes("01 01 02"), Socks5Frames.userPass(user, password)));
            assertArrayEquals(bytes("01 02 01 00"), c.readExactly(4, T));
            c.send(request);
            return c.readAllUntilClose(T);
        }
    }

    private boolean massLogin(ServerProcess server, String user, String password) throws IOException {
        try (RawConnection c = RawConnection.open(new InetSocketAddress(lo, server.ports.mass()), T)) {
            c.send(Socks5Frames.concat(bytes("01 01 02"), Socks5Frames.userPass(user, password)));
            byte[] answer = c.readExactly(4, T);
            assertArrayEquals(bytes("01 02 01"), java.util.Arrays.copyOf(answer, 3));
            return answer[3] == 0;
        }
    }

    /** A PCTP session, one line per command. */
    private final class Pctp implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final PrintWriter out;

        Pctp(int port) throws IOException {
            socket.connect(new InetSocketAddress(lo, port), 5000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        String send(String line) throws IOException {
            out.print(line + "\r\n");
            out.flush();
            String reply = in.readLine();
            assertTrue(reply != null, "PCTP closed after " + line.split(" ")[0]);
            return reply;
        }

        String login(String user, String password) throws IOException {
            assertTrue(send("USER " + user).startsWith("+OK"));
            return send("PASS " + password);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
