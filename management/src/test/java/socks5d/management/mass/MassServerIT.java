package socks5d.management.mass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.typesafe.config.Config;

import socks5d.management.BoundServerFixture;
import socks5d.management.ManagementFixture;
import socks5d.management.ManagementFixture.Client;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;

class MassServerIT extends BoundServerFixture {
    /** Greeting offering USERNAME/PASSWORD, then admin:secret. */
    private static final ByteString LOGIN = hex("""
            01 01 02              # VER, NMETHODS 1, METHODS: USERNAME/PASSWORD
            01                    # sub-negotiation VER
            05 61 64 6d 69 6e     # ULEN 5, "admin"
            06 73 65 63 72 65 74  # PLEN 6, "secret"
            """);
    /** Method selection 0x02, then RFC 1929 success. */
    private static final ByteString LOGGED_IN = hex("01 02  01 00");

    MassServerIT() {
        super(MassServer::bind, Map.of("socks5d.management.users.max-users", 3), true);
    }

    /** Logs in, sends {@code request}, returns the whole reply up to the server's close. */
    private ByteString ask(ByteString request, int replyLength) throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.send(LOGIN);
            assertEquals(show(LOGGED_IN), show(c.read(4)));
            c.send(request);
            ByteString reply = c.read(replyLength);
            assertTrue(c.closedByServer(), "MASS closes after the one reply");
            return reply;
        }
    }

    @Test
    void listsEverySupportedIndex() throws IOException {
        assertEquals(show(hex("""
                00     # STATUS success
                0e     # LENGTH 14
                00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d  # indexes
                """)), show(ask(hex("00  # REQUEST INDEX"), 16)));
    }

    @Test
    void listsUsers() throws IOException {
        assertEquals(show(hex("""
                00                 # STATUS success
                02                 # COUNT
                05 61 64 6d 69 6e  # "admin"
                05 62 61 73 69 63  # "basic"
                """)), show(ask(hex("01  # REQUEST INDEX"), 14)));
    }

    static Stream<Arguments> counters() {
        return Stream.of(
                Arguments.of("02", 3L), // historic_connections
                Arguments.of("03", 2L), // current_connections
                Arguments.of("04", 3L), // max_concurrent_connections
                Arguments.of("05", 300L), // bytes_proxied
                Arguments.of("06", 2L), // auth_attempts
                Arguments.of("07", 4L), // connection_attempts
                Arguments.of("08", 150L), // avg_read_size: 300 bytes in 2 reads
                Arguments.of("09", 100L)); // avg_write_size: 300 bytes in 3 writes
    }

    @ParameterizedTest(name = "index {0}")
    @MethodSource("counters")
    void returnsEachCounterAsUint32(String index, long expected) throws IOException {
        for (int i = 0; i < 3; i++) {
            state.metrics().tell(Metrics.ConnectionOpened.INSTANCE);
        }
        state.metrics().tell(Metrics.ConnectionRejected.INSTANCE);
        state.metrics().tell(new Metrics.Traffic(300, 600, 300, 2, 300, 3, 300));
        state.metrics().tell(new Metrics.ConnectionClosed(0));
        state.metrics().tell(new Metrics.AuthAttempted(true));
        state.metrics().tell(new Metrics.AuthAttempted(false));
        ByteString reply = ask(hex(index), 5);
        assertEquals(show(hex("00  # STATUS success")), show(reply.take(1)));
        assertEquals(expected, reply.drop(1).asByteBuffer().getInt() & 0xFFFFFFFFL);
    }

    @Test
    void addsBasicUsersUpToTheLimit() throws IOException {
        assertEquals(show(hex("00  # success")), show(ask(hex("""
                0a           # add user
                03 62 6f 62  # LENGTH, "bob"
                02 70 77     # LENGTH, "pw"
                """), 1)));
        assertEquals(show(hex("01  # server error: exists")), show(ask(hex("0a 03 62 6f 62 02 70 77"), 1)));
        assertEquals(show(hex("03  # user limit")), show(ask(hex("0a 03 65 76 65 02 70 77  # eve"), 1)));
        assertEquals(show(hex("01  # server error: empty name")), show(ask(hex("0a 00 02 70 77"), 1)));
    }

    @Test
    void deletesUsers() throws IOException {
        assertEquals(show(hex("00  # success")), show(ask(hex("0b 05 62 61 73 69 63  # delete basic"), 1)));
        assertEquals(show(hex("01  # not found")), show(ask(hex("0b 05 62 61 73 69 63"), 1)));
    }

    @Test
    void switchesAuthenticationAndDissectors() throws IOException {
        assertEquals(show(hex("00")), show(ask(hex("0c 01  # authentication: other = off"), 1)));
        assertFalse(ManagementFixture.switches(testKit, state).authRequired());
        assertEquals(show(hex("00")), show(ask(hex("0c 00  # authentication: X'00' = on"), 1)));
        assertTrue(ManagementFixture.switches(testKit, state).authRequired());
        assertEquals(show(hex("00")), show(ask(hex("0d ff  # dissectors off"), 1)));
        assertFalse(ManagementFixture.switches(testKit, state).dissectorsOn());
        assertEquals(show(hex("00")), show(ask(hex("0d 00  # dissectors on"), 1)));
        assertTrue(ManagementFixture.switches(testKit, state).dissectorsOn());
    }

    @Test
    void answersUnknownIndexWithIndexNotSupported() throws IOException {
        assertEquals(show(hex("02  # index not supported")), show(ask(hex("0e"), 1)));
    }

    @Test
    void rejectsABasicUserAndIgnoresItsPipelinedRequest() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.send(hex("""
                    01 01 02              # greeting
                    01                    # sub-negotiation VER
                    05 62 61 73 69 63     # "basic"
                    06 73 65 63 72 65 74  # "secret"
                    0c 01                 # authentication off, must not run
                    """));
            assertEquals(show(hex("01 02  01 01  # method 0x02, then failure")), show(c.read(4)));
            assertTrue(c.closedByServer());
        }
        assertTrue(ManagementFixture.switches(testKit, state).authRequired());
    }

    @Test
    void rejectsAWrongPassword() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.send(hex("01 01 02  01 05 61 64 6d 69 6e 05 77 72 6f 6e 67  # admin:wrong"));
            assertEquals(show(hex("01 02  01 01")), show(c.read(4)));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void answersRepeatedFailedLoginsFromOneAddressLaterAndLater() throws IOException {
        long[] took = new long[5];
        for (int i = 0; i < took.length; i++) {
            long start = System.nanoTime();
            rejectsAWrongPassword(); // a new connection each time: the count is per address
            took[i] = (System.nanoTime() - start) / 1_000_000;
        }
        // docs/operations.md, Limits: three free failures, then 200 ms, doubled per failure.
        long step = LoginThrottle.Settings.DEFAULT.delay().toMillis();
        assertTrue(took[4] >= 2 * step, java.util.Arrays.toString(took));
        assertTrue(took[4] > took[0] + step, java.util.Arrays.toString(took));
        assertEquals(show(hex("00 00000000  # a correct login still gets through")),
                show(ask(hex("03"), 5)));
    }

    @Test
    void refusesNoAuthenticationUnlessAllowed() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.send(hex("01 01 00  # only NO AUTHENTICATION REQUIRED"));
            assertEquals(show(hex("01 ff  # NO ACCEPTABLE METHODS")), show(c.read(2)));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void servesNoAuthenticationWhenAllowed() throws IOException {
        ManagementSettings open = ManagementSettings.fromConfig(
                com.typesafe.config.ConfigFactory.parseMap(Map.of("socks5d.management.mass.allow-no-auth", true))
                        .withFallback(config));
        Tcp.ServerBinding b = MassServer.bind(testKit.system(), open, state, 0).toCompletableFuture().join();
        try (Client c = new Client(b.localAddress())) {
            c.sendByteByByte(hex("01 01 00  0e  # NO AUTH, then unknown index"));
            assertEquals(show(hex("01 00  02")), show(c.read(3)));
            assertTrue(c.closedByServer());
        } finally {
            b.unbind().toCompletableFuture().join();
        }
    }

    @Test
    void servesAClientThatSendsByteByByte() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.sendByteByByte(LOGIN.concat(hex("03  # current connections")));
            assertEquals(show(LOGGED_IN.concat(hex("00 00000000"))), show(c.read(9)));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void closesASessionThatStallsWhenTheSessionTimeoutPasses(@TempDir Path dir) throws IOException {
        Path own = Files.createDirectories(dir.resolve("manual-time")); // the shared state uses dir
        // The session timeout runs on a manual clock: the session is served until the clock passes it.
        ActorTestKit manual = ManagementFixture.manualTimeKit(testKit);
        try {
            ManualTime clock = ManualTime.get(manual.system());
            Config quick = ManagementFixture.config(manual, own, Map.of("socks5d.management.mass.session-timeout", "1m"));
            StateActors manualState = ManagementFixture.spawnState(manual, quick);
            ManagementFixture.addUser(manual, manualState, "admin", "secret", UserDirectory.Role.ADMIN);
            Tcp.ServerBinding b = MassServer.bind(manual.system(), ManagementSettings.fromConfig(quick), manualState, 0)
                    .toCompletableFuture().join();
            try (Client c = new Client(b.localAddress())) {
                c.send(hex("01 01 02  # greeting"));
                assertEquals(show(hex("01 02")), show(c.read(2)));
                clock.timePasses(Duration.ofSeconds(59));
                c.send(LOGIN.drop(3));
                assertEquals(show(hex("01 00  # still served: logged in")), show(c.read(2)));
                clock.timePasses(Duration.ofSeconds(1));
                assertTrue(c.closedByServer());
            } finally {
                b.unbind().toCompletableFuture().join();
            }
        } finally {
            manual.shutdownTestKit();
        }
    }

    @Test
    void closesOnABadGreeting() throws IOException {
        try (Client c = new Client(binding.localAddress())) {
            c.send(hex("05 01 00  # a SOCKS5 greeting"));
            assertTrue(c.closedByServer());
        }
    }
}
