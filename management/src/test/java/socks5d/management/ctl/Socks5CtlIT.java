package socks5d.management.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import socks5d.management.BoundServerFixture;
import socks5d.management.ManagementFixture;
import socks5d.management.mcp.McpServer;
import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;

class Socks5CtlIT extends BoundServerFixture {

    /** One run of socks5ctl: exit status, standard output, standard error. */
    record Run(int status, String out, String err) {
    }

    Socks5CtlIT() {
        super(McpServer::bind, Map.of(), false);
    }

    private Run ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("-L", "127.0.0.1", "-P",
                String.valueOf(binding.localAddress().getPort())));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Socks5Ctl.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void printsMetricsAsATableAndAsJson() {
        state.metrics().tell(Metrics.ConnectionOpened.INSTANCE);
        state.metrics().tell(new Metrics.Traffic(5, 70, 30, 1, 5, 1, 5));
        state.metrics().tell(new Metrics.SessionEnded(false));
        assertEquals(new Run(0, """
                historic_connections     1
                current_connections      1
                bytes_transferred        70
                successful_connections   0
                failed_connections       1
                client_bytes             30
                """, ""), ctl("metrics"));
        assertEquals(new Run(0, "{\"historic_connections\":1,\"current_connections\":1,\"bytes_transferred\":70,"
                + "\"successful_connections\":0,\"failed_connections\":1,\"client_bytes\":30}\n", ""),
                ctl("metrics", "--json"));
    }

    @Test
    void printsTheLimitCountersAsATableAndAsJson() {
        state.metrics().tell(new Metrics.LimitEvents(1, 2, 3, 4, 5));
        assertEquals(new Run(0, """
                refused_address_concurrency 1
                refused_address_rate     2
                refused_user_sessions    3
                logins_throttled         4
                sessions_shaped          5
                """, ""), ctl("limits"));
        assertEquals(new Run(0, "{\"refused_address_concurrency\":1,\"refused_address_rate\":2,"
                + "\"refused_user_sessions\":3,\"logins_throttled\":4,\"sessions_shaped\":5}\n", ""),
                ctl("limits", "--json"));
    }

    @Test
    void addsListsAndRemovesUsers() {
        assertEquals(new Run(0, "added user bob\n", ""), ctl("add-user", "bob", "pw"));
        assertEquals(new Run(0, "{\"added\":\"al\\\"ice\"}\n", ""), ctl("--json", "add-user", "al\"ice", "pw"));
        assertEquals(new Run(0, "al\"ice\nbob\n", ""), ctl("users"));
        assertEquals(new Run(0, "{\"users\":[\"al\\\"ice\",\"bob\"]}\n", ""), ctl("users", "--json"));
        assertEquals(new Run(1, "", "socks5ctl: user bob already exists (USER_EXISTS)\n"), ctl("add-user", "bob", "x"));
        assertEquals(new Run(0, "removed user bob\n", ""), ctl("del-user", "bob"));
        assertEquals(new Run(1, "", "socks5ctl: user bob not found (USER_NOT_FOUND)\n"), ctl("del-user", "bob"));
        UserDirectory.UserList users = org.apache.pekko.actor.typed.javadsl.AskPattern
                .<UserDirectory.Command, UserDirectory.UserList>ask(state.users(), UserDirectory.ListUsers::new,
                        ManagementFixture.WAIT, testKit.system().scheduler()).toCompletableFuture().join();
        assertEquals(List.of(new UserDirectory.UserInfo("al\"ice", UserDirectory.Role.BASIC)), users.users());
    }

    @Test
    void switchesTheDissectors() {
        assertEquals(new Run(0, "dissectors off\n", ""), ctl("toggle-dissector", "off"));
        assertFalse(ManagementFixture.switches(testKit, state).dissectorsOn());
        assertEquals(new Run(0, "{\"dissectors\":true}\n", ""), ctl("toggle-dissector", "--json"));
        assertTrue(ManagementFixture.switches(testKit, state).dissectorsOn());
        assertEquals(2, ctl("toggle-dissector", "maybe").status());
    }

    @Test
    void watchesForAGivenCount() {
        Run run = ctl("watch", "--count", "2", "--json");
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().split("\n");
        assertEquals(2, lines.length, run.out());
        for (String line : lines) {
            assertTrue(line.matches("\\{\"time\":\"[0-9T:-]+Z\",\"historic_connections\":0,.*\"client_bytes\":0}"),
                    line);
        }
    }

    @Test
    void reportsARefusedConnectionInOneLine() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Run run = run("-P", String.valueOf(closedPort), "metrics");
        assertEquals(new Run(1, "", "socks5ctl: cannot connect to 127.0.0.1:" + closedPort
                + ": connection refused\n"), run);
    }

    @Test
    void rejectsBadUsageWithStatus2() {
        assertEquals(2, run("frobnicate").status());
        assertEquals(2, run().status());
        assertEquals(2, ctl("add-user", "bob").status());
        assertEquals(2, ctl("add-user", "x".repeat(256), "pw").status());
        assertEquals(0, run("--help").status());
    }
}
