package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.mcp.wire.McpResponse;
import socks5d.management.mcp.wire.McpStatus;
import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.process.ChildProcess;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * docs/operations.md, Files and permissions: a SIGKILL at any moment while users are being added
 * leaves a user file that loads, holding every user whose add was acknowledged (and none whose
 * removal was), with owner-only permissions and no password in it. Each cycle starts
 * {@code socks5d.jar}, removes the users of the previous cycle over MCP (so LIST_USERS, which names
 * at most 255, sees them all), adds users from a second thread until a SIGKILL 200-800 ms later,
 * and checks on the next start. Three cycles by default; {@code -Dsocks5d.crash.cycles=N} runs
 * more.
 */
class CrashSafetyIT {
    private static final int CYCLES = Integer.getInteger("socks5d.crash.cycles", 3);
    /** Keeps one cycle's users under LIST_USERS' 255 names, with room for one unacknowledged add. */
    private static final int MAX_ADDS_PER_CYCLE = 240;
    private static final Duration T = Duration.ofSeconds(5);
    private final InetAddress lo = InetAddress.getLoopbackAddress();
    private final Random random = new Random();

    @Test
    void everyAcknowledgedChangeSurvivesAKillAtARandomMoment() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(40L + 25L * CYCLES), this::cycles);
    }

    private void cycles() throws Exception {
        Path work = Files.createTempDirectory("socks5d-crash");
        Path data = work.resolve("data"); // created by the server, so its mode is the server's choice
        Path conf = work.resolve("test.conf");
        Files.writeString(conf, "socks5d.management.users.hash-iterations = 1000\n"
                + "socks5d.management.users.max-users = 100000\n");
        Map<String, String> acknowledged = new LinkedHashMap<>(); // name -> password, current cycle
        Set<String> removed = new HashSet<>();
        List<String> passwords = new ArrayList<>();
        int totalAdds = 0;
        long started = System.nanoTime();
        try (EchoServer echo = EchoServer.start(lo)) {
            for (int cycle = 1; cycle <= CYCLES + 1; cycle++) {
                long cycleStart = System.nanoTime();
                try (ServerProcess server = ServerProcess.start(work, "run" + cycle, data, conf, List.of(), List.of())) {
                    try (ServerProcess.Mcp mcp = new ServerProcess.Mcp(server.ports.mcp())) {
                        List<String> listed = mcp.users();
                        if (cycle > 1) {
                            check(server, echo, data, listed, acknowledged, removed, passwords, cycle);
                        }
                        if (cycle == CYCLES + 1) {
                            break;
                        }
                        removed.clear();
                        for (String name : listed) {
                            assertEquals(McpStatus.OK, mcp.call(new McpRequest.RemoveUser(name)).status(), name);
                            removed.add(name);
                        }
                    }
                    acknowledged = addUntilKilled(server, cycle, passwords);
                    totalAdds += acknowledged.size();
                }
                System.out.printf("CrashSafetyIT cycle %d: %d acknowledged adds before the kill, %d ms%n",
                        cycle, acknowledged.size(), (System.nanoTime() - cycleStart) / 1_000_000);
            }
        }
        System.out.printf("CrashSafetyIT: %d kill/restart cycles, %d acknowledged adds, %d ms%n",
                CYCLES, totalAdds, (System.nanoTime() - started) / 1_000_000);
    }

    /** Adds users over one MCP connection from a second thread; kills the server 200-800 ms in. */
    private Map<String, String> addUntilKilled(ServerProcess server, int cycle, List<String> passwords)
            throws Exception {
        Map<String, String> acked = Collections.synchronizedMap(new LinkedHashMap<>());
        Set<Throwable> unexpected = ConcurrentHashMap.newKeySet();
        Thread adder = new Thread(() -> {
            try (ServerProcess.Mcp mcp = new ServerProcess.Mcp(server.ports.mcp())) {
                for (int i = 0; i < MAX_ADDS_PER_CYCLE; i++) {
                    String name = "c" + cycle + "-u" + i;
                    String password = newPassword();
                    synchronized (passwords) {
                        passwords.add(password);
                    }
                    McpResponse r = mcp.call(new McpRequest.AddUser(name, password));
                    if (r.status() != McpStatus.OK) {
                        unexpected.add(new AssertionError("add " + name + ": " + r.status()));
                        return;
                    }
                    acked.put(name, password); // only now is the add known to be durable
                }
            } catch (IOException killed) {
                // the expected end: the server died mid-request or between requests
            }
        }, "crash-adder-" + cycle);
        adder.start();
        long delay = 200 + random.nextInt(601);
        // waitFor is the pause; it returns early only if the server died by itself.
        assertFalse(server.process.waitFor(delay, TimeUnit.MILLISECONDS), "socks5d died before the kill");
        server.kill();
        adder.join(TimeUnit.SECONDS.toMillis(15));
        assertFalse(adder.isAlive(), "the adder noticed the kill");
        assertTrue(unexpected.isEmpty(), unexpected.toString());
        synchronized (acked) {
            return new LinkedHashMap<>(acked);
        }
    }

    private void check(ServerProcess server, EchoServer echo, Path data, List<String> listed,
                       Map<String, String> acknowledged, Set<String> removed, List<String> passwords, int cycle)
            throws IOException {
        String why = "after kill " + (cycle - 1);
        assertFalse(ChildProcess.read(server.stderr).contains("Cannot load users"), why);
        Set<String> present = new HashSet<>(listed);
        for (String name : acknowledged.keySet()) {
            assertTrue(present.contains(name), why + ": acknowledged user " + name + " missing from " + listed);
        }
        for (String name : removed) {
            assertFalse(present.contains(name), why + ": removed user " + name + " is back");
        }
        // At most the one add in flight at the kill may be there without its acknowledgement.
        assertTrue(listed.size() <= acknowledged.size() + 1, why + ": " + listed);

        List<String> names = new ArrayList<>(acknowledged.keySet());
        Collections.shuffle(names, random);
        for (String name : names.subList(0, Math.min(3, names.size()))) {
            try (Socks5Result r = Socks5Client.to(server.socksAddress()).withAuth(name, acknowledged.get(name))
                    .withTimeouts(T, T).connect(lo, echo.port())) {
                assertEquals(0, r.reply(), why + ": SOCKS as " + name);
                ProxyHarness.assertEchoes(r.socket(), "as " + name);
            }
        }

        Path file = data.resolve("users.db");
        if (!Files.exists(file)) {
            // Under load every kill so far can have come before the first add was acknowledged: no change
            // was ever written, and none may be claimed.
            assertTrue(acknowledged.isEmpty() && listed.isEmpty(),
                    why + ": no user file, yet acknowledged " + acknowledged.keySet() + ", listed " + listed);
            return;
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), why);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)), why);
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of(file), files.toList(), why + ": temporary files are cleaned up at load");
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        synchronized (passwords) {
            for (String password : passwords) {
                for (String form : forms(password)) {
                    assertFalse(text.contains(form), why + ": the user file holds a password");
                }
            }
        }
    }

    /** A password and the encodings a careless writer might have stored it in. */
    static List<String> forms(String password) {
        byte[] b = password.getBytes(StandardCharsets.UTF_8);
        return List.of(password, Base64.getEncoder().withoutPadding().encodeToString(b),
                Base64.getUrlEncoder().withoutPadding().encodeToString(b), HexFormat.of().formatHex(b),
                HexFormat.of().withUpperCase().formatHex(b));
    }

    private String newPassword() {
        byte[] b = new byte[9];
        random.nextBytes(b);
        return "pw-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
