package socks5d.management.pctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import socks5d.management.BoundServerFixture;
import socks5d.management.ManagementFixture;
import socks5d.management.ManagementFixture.Client;
import socks5d.management.accesslog.AccessLog;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;

class PctpServerIT extends BoundServerFixture {
    PctpServerIT() {
        super(PctpServer::bind, Map.of(), true);
    }

    private Client loggedIn() throws IOException {
        Client c = new Client(binding.localAddress());
        assertEquals("+OK Please send password", c.sendLine("USER admin").readLine());
        assertEquals("+OK Successfully logged in", c.sendLine("PASS secret").readLine());
        return c;
    }

    /** Reads the lines of a multi-line reply after its status line, up to the empty line. */
    private static List<String> body(Client c) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = c.readLine(); !line.isEmpty(); line = c.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void runsTheSeedSessionWordForWord() throws IOException {
        try (Client c = loggedIn()) {
            assertEquals("+OK Sending user list...", c.sendLine("LIST").readLine());
            assertEquals(List.of("admin\tAdmin", "basic\tBasic"), body(c));
            assertEquals("+OK Please provide new user credentials", c.sendLine("ADD BASIC").readLine());
            assertEquals("+OK Please send password", c.sendLine("USER basic123").readLine());
            assertEquals("+OK Successfully added user", c.sendLine("PASS pass123").readLine());
            assertEquals("+OK Sending user list...", c.sendLine("LIST").readLine());
            assertEquals(List.of("admin\tAdmin", "basic\tBasic", "basic123\tBasic"), body(c));
            assertEquals("+OK Successfully deleted user", c.sendLine("DEL basic123").readLine());
            assertEquals("+OK Sending user list...", c.sendLine("LIST").readLine());
            assertEquals(List.of("admin\tAdmin", "basic\tBasic"), body(c));
            assertEquals("+OK Done", c.sendLine("EXIT").readLine());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void rejectsCommandsBeforeLogin() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            for (String command : List.of("STATS", "LOGS 5", "CONFIG IO=8000", "ADD BASIC", "DEL basic", "LIST",
                    "EXIT")) {
                assertEquals("-ERR Not logged in", c.sendLine(command).readLine(), command);
            }
            assertEquals("-ERR Send USER first", c.sendLine("PASS secret").readLine());
            assertEquals("-ERR Unknown command", c.sendLine("HELO").readLine());
            assertEquals("+OK Please send password", c.sendLine("USER admin").readLine());
            assertEquals("-ERR Not logged in", c.sendLine("STATS").readLine());
            assertEquals("+OK Successfully logged in", c.sendLine("PASS secret").readLine());
        }
    }

    @Test
    void letsOnlyAdminsLogIn() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.sendLine("USER basic").readLine();
            assertEquals("-ERR Invalid credentials", c.sendLine("PASS secret").readLine(), "BASIC user");
            c.sendLine("USER admin").readLine();
            assertEquals("-ERR Invalid credentials", c.sendLine("PASS wrong").readLine(), "wrong password");
            assertEquals("+OK Successfully logged in", c.sendLine("PASS secret").readLine(), "retry the password");
        }
    }

    @Test
    void answersRepeatedFailedLoginsLaterAndLater() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.sendLine("USER admin").readLine();
            long[] took = new long[5];
            for (int i = 0; i < took.length; i++) {
                long start = System.nanoTime();
                assertEquals("-ERR Invalid credentials", c.sendLine("PASS guess" + i).readLine());
                took[i] = (System.nanoTime() - start) / 1_000_000;
            }
            // docs/operations.md, Limits: three free failures, then 200 ms, doubled per failure.
            long step = LoginThrottle.Settings.DEFAULT.delay().toMillis();
            assertTrue(took[4] >= 2 * step, java.util.Arrays.toString(took));
            assertTrue(took[4] > took[0] + step, java.util.Arrays.toString(took));
            assertEquals("+OK Successfully logged in", c.sendLine("PASS secret").readLine());
        }
    }

    @Test
    void answersLinesOverTheLimitWithErrAndKeepsServing() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            assertEquals("-ERR Line too long", c.sendLine("USER " + "a".repeat(1020)).readLine());
            assertEquals("-ERR Line too long", c.sendLine("x".repeat(70_000)).readLine());
            assertEquals("-ERR Invalid USER: argument longer than 255 bytes",
                    c.sendLine("USER " + "a".repeat(256)).readLine());
            assertEquals("+OK Please send password", c.sendLine("USER admin").readLine());
            assertEquals("+OK Successfully logged in", c.sendLine("PASS secret").readLine());
        }
    }

    @Test
    void setsAndListsEachUsersOwnLimits() throws IOException {
        ManagementFixture.addUser(testKit, state, "limited user", "pw", UserDirectory.Role.BASIC);
        try (Client c = loggedIn()) {
            assertEquals("+OK Limits set", c.sendLine("LIMIT 4 250000 limited user").readLine());
            assertEquals("-ERR User not found", c.sendLine("LIMIT - - nobody").readLine());
            assertEquals("-ERR Invalid LIMIT: a limit is a number or -", c.sendLine("LIMIT many 1 x").readLine());
            assertEquals("+OK Sending limits...", c.sendLine("LIMITS").readLine());
            List<String> lines = body(c);
            assertTrue(lines.contains("limited user\t4\t250000"), lines.toString());
            assertTrue(lines.contains("admin\t-\t-"), lines.toString());
        }
        assertEquals(new UserDirectory.Limits(4, 250_000), state.publishedUsers().current().limits("limited user"));
    }

    @Test
    void printsEveryStatsKey() throws IOException {
        state.metrics().tell(Metrics.ConnectionOpened.INSTANCE);
        state.metrics().tell(Metrics.ConnectionOpened.INSTANCE);
        state.metrics().tell(Metrics.ConnectionRejected.INSTANCE);
        state.metrics().tell(new Metrics.Traffic(1234, 2000, 1500, 2, 1234, 1, 1234));
        state.metrics().tell(new Metrics.AuthAttempted(false));
        state.metrics().tell(new Metrics.SessionEnded(true));
        state.metrics().tell(new Metrics.LimitEvents(1, 2, 3, 4, 5));
        try (Client c = loggedIn()) {
            assertEquals("+OK Sending stats...", c.sendLine("STATS").readLine());
            assertEquals(List.of(
                    "current_connections: 2",
                    "total_connections: 2",
                    "current_bytes_proxied: 1234",
                    "total_bytes_proxied: 1234",
                    "connection_attempts: 3",
                    "historic_connections: 2",
                    "max_concurrent_connections: 2",
                    "successful_connections: 1",
                    "failed_connections: 0",
                    "auth_attempts: 1",
                    "auth_failures: 1",
                    "bytes_proxied: 1234",
                    "bytes_transferred: 2000",
                    "client_bytes: 1500",
                    "avg_read_size: 617",
                    "avg_write_size: 1234",
                    "udp_associations: 0",
                    "udp_datagrams: 0",
                    "udp_bytes: 0",
                    "udp_dropped: 0",
                    "refused_address_concurrency: 1",
                    "refused_address_rate: 2",
                    "refused_user_sessions: 3",
                    "logins_throttled: 4",
                    "sessions_shaped: 5"), body(c));
        }
    }

    @Test
    void printsTheNewestLogsFirst() throws IOException {
        for (int i = 1; i <= 3; i++) {
            state.accessLog().tell(new AccessLog.Record(new AccessLog.Entry(Instant.parse("2026-11-22T13:55:0" + i + "Z"),
                    "admin", "127.0.0.1", 50000 + i, "example.org", 443, 0, 100 * i, true)));
        }
        try (Client c = loggedIn()) {
            assertEquals("+OK Sending logs...", c.sendLine("LOGS 2").readLine());
            assertEquals(List.of(
                    "2026-11-22T13:55:03Z\tadmin\tA\t127.0.0.1\t50003\texample.org\t443\t0\t300\tAuth",
                    "2026-11-22T13:55:02Z\tadmin\tA\t127.0.0.1\t50002\texample.org\t443\t0\t200\tAuth"), body(c));
            assertEquals("+OK Sending logs...", c.sendLine("LOGS").readLine());
            assertEquals(3, body(c).size());
            assertEquals("+OK Sending logs...", c.sendLine("LOGS 0").readLine());
            assertEquals(List.of(), body(c));
            assertEquals("-ERR Invalid LOGS: N must be a number from 0 to 2147483647",
                    c.sendLine("LOGS many").readLine());
        }
    }

    @Test
    void setsTheRelayBufferSizeRaisingASmallValueToTheMinimum() throws IOException {
        try (Client c = loggedIn()) {
            assertEquals("+OK Setting IO buffers size", c.sendLine("CONFIG IO=8000").readLine());
            assertEquals(8000, ManagementFixture.switches(testKit, state).relayBufferSize());
            assertEquals("+OK Setting IO buffers size", c.sendLine("CONFIG IO=100").readLine(), "raised to 4096");
            assertEquals(4096, ManagementFixture.switches(testKit, state).relayBufferSize());
            assertEquals("+OK Setting IO buffers size", c.sendLine("CONFIG IO=1048576").readLine(), "the maximum");
            assertEquals(1048576, ManagementFixture.switches(testKit, state).relayBufferSize());
            assertEquals("-ERR relay buffer size must be 4096 to 1048576 bytes, not 1048577",
                    c.sendLine("CONFIG IO=1048577").readLine());
            assertTrue(c.sendLine("CONFIG IO=2000000").readLine().startsWith("-ERR"));
            assertEquals("-ERR Invalid CONFIG: only IO=<bytes> is supported", c.sendLine("CONFIG X=1").readLine());
            assertEquals(1048576, ManagementFixture.switches(testKit, state).relayBufferSize());
        }
    }

    @Test
    void addsAnAdminWhoCanLogIn() throws IOException {
        try (Client c = loggedIn()) {
            c.sendLine("ADD ADMIN").readLine();
            c.sendLine("USER root2").readLine();
            assertEquals("+OK Successfully added user", c.sendLine("PASS pa ss").readLine());
            c.sendLine("ADD BASIC").readLine();
            c.sendLine("USER root2").readLine();
            assertEquals("-ERR User already exists", c.sendLine("PASS x").readLine());
            assertEquals("+OK Please provide new user credentials", c.sendLine("ADD BASIC").readLine());
            assertEquals("-ERR Expected USER for the new user; ADD cancelled", c.sendLine("LIST").readLine());
            assertEquals("-ERR User not found", c.sendLine("DEL nobody").readLine());
            assertEquals("-ERR Command not valid in this phase", c.sendLine("USER x").readLine());
            assertEquals("-ERR Unknown command", c.sendLine("QUIT").readLine());
        }
        try (Client other = new Client(binding.localAddress())) {
            other.sendLine("USER root2").readLine();
            assertEquals("+OK Successfully logged in", other.sendLine("PASS pa ss").readLine());
        }
    }

    @Test
    void answersPipelinedLinesInOrderWithLfOrCrlf() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.send(org.apache.pekko.util.ByteString.fromString("USER admin\nPASS secret\r\nLIST\nEXIT\n"));
            assertEquals("+OK Please send password", c.readLine());
            assertEquals("+OK Successfully logged in", c.readLine());
            assertEquals("+OK Sending user list...", c.readLine());
            assertEquals(List.of("admin\tAdmin", "basic\tBasic"), body(c));
            assertEquals("+OK Done", c.readLine());
            assertTrue(c.closedByServer());
        }
    }
}
