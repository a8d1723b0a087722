package socks5d.management.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.management.ManagementFixture.WAIT;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import socks5d.management.BoundServerFixture;
import socks5d.management.ManagementFixture;
import socks5d.management.ManagementFixture.Client;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.wire.Decoded;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.management.mcp.wire.McpMetrics;
import socks5d.management.mcp.wire.McpResponse;
import socks5d.management.mcp.wire.McpStatus;
import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;

class McpServerIT extends BoundServerFixture {
    McpServerIT() {
        super(McpServer::bind, Map.of("socks5d.management.users.max-users", 3), false);
    }

    private Client client() throws IOException {
        return new Client(binding.localAddress());
    }

    /** Reads one whole response: header, then LEN bytes. */
    private static McpResponse response(Client c) throws IOException {
        ByteString header = c.read(McpCodec.HEADER_LENGTH);
        int len = ((header.apply(2) & 255) << 8) | (header.apply(3) & 255);
        Decoded<McpResponse> d = McpCodec.decodeResponse(header.concat(c.read(len)));
        return ((Decoded.Ok<McpResponse>) d).value();
    }

    @Test
    void getMetricsReturnsTheSixCountersInSpecOrder() throws IOException {
        for (int i = 0; i < 3; i++) {
            state.metrics().tell(Metrics.ConnectionOpened.INSTANCE);
        }
        state.metrics().tell(new Metrics.Traffic(10, 100, 40, 1, 10, 1, 10));
        state.metrics().tell(new Metrics.ConnectionClosed(10));
        state.metrics().tell(new Metrics.SessionEnded(true));
        state.metrics().tell(new Metrics.SessionEnded(true));
        state.metrics().tell(new Metrics.SessionEnded(false));
        try (Client c = client()) {
            c.send(hex("""
                    01     # VER
                    00     # CMD GET_METRICS
                    00 00  # LEN
                    """));
            assertEquals(show(hex("""
                    01                       # VER
                    00                       # STATUS OK
                    00 30                    # LEN 48
                    00 00 00 00 00 00 00 03  # historic_connections
                    00 00 00 00 00 00 00 02  # current_connections
                    00 00 00 00 00 00 00 64  # bytes_transferred 100
                    00 00 00 00 00 00 00 02  # successful_connections
                    00 00 00 00 00 00 00 01  # failed_connections
                    00 00 00 00 00 00 00 28  # client_bytes 40
                    """)), show(c.read(52)));
        }
    }

    @Test
    void addsListsAndRemovesUsersOnOnePersistentConnection() throws IOException {
        try (Client c = client()) {
            c.send(hex("""
                    01 02 00 07     # VER, ADD_USER, LEN 7
                    03 62 6f 62     # ULEN, "bob"
                    02 70 77        # PLEN, "pw"
                    """));
            assertEquals(show(hex("01 00 00 00  # OK")), show(c.read(4)));
            c.send(hex("01 02 00 07 03 62 6f 62 02 70 77  # ADD_USER bob again"));
            assertEquals(show(hex("01 04 00 00  # USER_EXISTS")), show(c.read(4)));
            c.send(hex("01 01 00 00  # LIST_USERS"));
            assertEquals(show(hex("""
                    01 00 00 05   # VER, OK, LEN 5
                    01            # COUNT
                    03 62 6f 62   # ULEN, "bob"
                    """)), show(c.read(9)));
            c.send(hex("01 03 00 04 03 62 6f 62  # REMOVE_USER bob"));
            assertEquals(show(hex("01 00 00 00  # OK")), show(c.read(4)));
            c.send(hex("01 03 00 04 03 62 6f 62  # REMOVE_USER bob again"));
            assertEquals(show(hex("01 03 00 00  # USER_NOT_FOUND")), show(c.read(4)));
        }
        UserDirectory.UserList users = org.apache.pekko.actor.typed.javadsl.AskPattern
                .<UserDirectory.Command, UserDirectory.UserList>ask(state.users(), UserDirectory.ListUsers::new,
                        WAIT, testKit.system().scheduler()).toCompletableFuture().join();
        assertEquals(List.of(), users.users());
    }

    @Test
    void addsBasicUsersAndStopsAtTheLimit() throws IOException {
        try (Client c = client()) {
            for (String name : List.of("u1", "u2", "u3")) {
                c.send(McpCodec.encode(new socks5d.management.mcp.wire.McpRequest.AddUser(name, "pw")));
                assertEquals(McpStatus.OK, response(c).status(), name);
            }
            c.send(McpCodec.encode(new socks5d.management.mcp.wire.McpRequest.AddUser("u4", "pw")));
            assertEquals(McpResponse.of(McpStatus.USER_LIMIT), response(c));
        }
        UserDirectory.UserList users = org.apache.pekko.actor.typed.javadsl.AskPattern
                .<UserDirectory.Command, UserDirectory.UserList>ask(state.users(), UserDirectory.ListUsers::new,
                        WAIT, testKit.system().scheduler()).toCompletableFuture().join();
        assertTrue(users.users().stream().allMatch(u -> u.role() == UserDirectory.Role.BASIC), users.toString());
    }

    @Test
    void togglesTheDissectorsToTheStateAskedForOrFlipsThem() throws IOException {
        try (Client c = client()) {
            c.send(hex("""
                    01 04 00 01  # VER, TOGGLE_DISECTOR, LEN 1
                    00           # STATE off
                    """));
            assertEquals(show(hex("01 00 00 01 00  # OK, STATE off")), show(c.read(5)));
            assertFalse(ManagementFixture.switches(testKit, state).dissectorsOn());
            c.send(hex("01 04 00 00  # TOGGLE_DISECTOR, empty payload: flip"));
            assertEquals(show(hex("01 00 00 01 01  # OK, STATE on")), show(c.read(5)));
            assertTrue(ManagementFixture.switches(testKit, state).dissectorsOn());
            c.send(hex("01 04 00 01 01  # STATE on again"));
            assertEquals(show(hex("01 00 00 01 01  # OK, STATE on")), show(c.read(5)));
        }
    }

    @Test
    void answersTheLimitCountersExtension() throws IOException {
        state.metrics().tell(new Metrics.LimitEvents(1, 2, 3, 4, 5));
        try (Client c = client()) {
            c.send(hex("01 05 00 00  # GET_LIMIT_METRICS"));
            assertEquals(show(hex("""
                    01 00 00 28              # OK, LEN 40
                    00 00 00 00 00 00 00 01  # refused_address_concurrency
                    00 00 00 00 00 00 00 02  # refused_address_rate
                    00 00 00 00 00 00 00 03  # refused_user_sessions
                    00 00 00 00 00 00 00 04  # logins_throttled
                    00 00 00 00 00 00 00 05  # sessions_shaped
                    """)), show(c.read(44)));
            c.send(hex("01 05 00 01 00  # a payload is malformed"));
            assertEquals(show(hex("01 01 00 00  # ERROR")), show(c.read(4)));
        }
    }

    @Test
    void answersUnknownCommandAndMalformedPayloadsAndStaysUsable() throws IOException {
        try (Client c = client()) {
            c.send(hex("01 07 00 02 aa bb  # unknown CMD 7 with a payload"));
            assertEquals(show(hex("01 02 00 00  # CMD_NOT_SUPPORTED")), show(c.read(4)));
            c.send(hex("""
                    01 02 00 04  # ADD_USER, LEN 4
                    01 61        # ULEN 1, "a"
                    05 70        # PLEN 5 overruns LEN
                    """));
            assertEquals(show(hex("01 01 00 00  # ERROR")), show(c.read(4)));
            c.send(hex("01 00 00 00  # GET_METRICS still works"));
            assertEquals(McpStatus.OK, response(c).status());
        }
    }

    @Test
    void answersErrorWhenAStateActorDoesNotAnswerInTime(@TempDir Path dir) throws IOException {
        // The ask timeout runs on a manual clock: the ERROR can only come from the clock passing it.
        ActorTestKit manual = ManagementFixture.manualTimeKit(testKit);
        try {
            ManualTime clock = ManualTime.get(manual.system());
            TestProbe<Metrics.Command> metrics = manual.createTestProbe();
            StateActors silent = new StateActors(manual.<UserDirectory.Command>createTestProbe().getRef(),
                    metrics.getRef(),
                    manual.<socks5d.management.accesslog.AccessLog.Command>createTestProbe().getRef(),
                    manual.<socks5d.management.switches.Switches.Command>createTestProbe().getRef(),
                    new socks5d.management.users.PublishedUsers());
            ManagementSettings settings = ManagementSettings.fromConfig(ManagementFixture.config(manual, dir,
                    Map.of("socks5d.management.ask-timeout", "1m")));
            Tcp.ServerBinding b = McpServer.bind(manual.system(), settings, silent, 0).toCompletableFuture().join();
            try (Client c = new Client(b.localAddress())) {
                c.send(hex("01 00 00 00  # GET_METRICS, nobody answers"));
                metrics.expectMessageClass(Metrics.GetSnapshot.class, WAIT);
                clock.timePasses(Duration.ofMinutes(1));
                assertEquals(show(hex("01 01 00 00  # ERROR")), show(c.read(4)));
                c.send(hex("01 09 00 00  # the connection is still served"));
                assertEquals(show(hex("01 02 00 00  # CMD_NOT_SUPPORTED")), show(c.read(4)));
            } finally {
                b.unbind().toCompletableFuture().join();
            }
        } finally {
            manual.shutdownTestKit();
        }
    }

    @Test
    void answersBadVersionWithErrorAndCloses() throws IOException {
        try (Client c = client()) {
            c.send(hex("02 00 00 00  # VER 2"));
            assertEquals(show(hex("01 01 00 00  # ERROR")), show(c.read(4)));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void answersPipelinedAndByteByByteRequestsInOrder() throws IOException {
        try (Client c = client()) {
            c.send(hex("""
                    01 09 00 00  # unknown CMD
                    01 01 00 00  # LIST_USERS
                    01 04 00 01 00  # TOGGLE_DISECTOR off
                    """));
            assertEquals(show(hex("""
                    01 02 00 00     # CMD_NOT_SUPPORTED
                    01 00 00 01 00  # LIST_USERS: OK, COUNT 0
                    01 00 00 01 00  # TOGGLE: OK, STATE off
                    """)), show(c.read(14)));
            c.sendByteByByte(hex("01 00 00 00  # GET_METRICS"));
            McpResponse metrics = response(c);
            assertEquals(new McpMetrics(0, 0, 0, 0, 0, 0),
                    ((Decoded.Ok<McpMetrics>) McpCodec.decodeMetrics(metrics.payload())).value());
        }
    }

    @Test
    void answersEveryRequestOfAClientThatShutsDownItsOutput() throws IOException {
        try (Client c = client()) {
            c.send(hex("01 01 00 00  01 01 00 00  # LIST_USERS twice"));
            c.shutdownOutput();
            assertEquals(show(hex("01 00 00 01 00  01 00 00 01 00")), show(c.read(10)));
            assertTrue(c.closedByServer());
        }
    }
}
