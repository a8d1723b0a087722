package socks5d.management.pctp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.typesafe.config.Config;

import socks5d.management.ManagementFixture;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.pctp.wire.PctpCommand;
import socks5d.management.pctp.wire.PctpLine;
import socks5d.management.pctp.wire.PctpReply;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

/** {@link PctpSession} against real state actors: CONFIG IO as docs/protocols/pctp.md describes it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class PctpSessionTest {
    private static final PctpReply ACCEPTED = new PctpReply.Ok("Setting IO buffers size");

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private StateActors state;
    private PctpSession session;

    @BeforeEach
    void logIn(@TempDir Path dir) {
        Config config = ManagementFixture.config(testKit, dir, Map.of());
        state = ManagementFixture.spawnState(testKit, config);
        ManagementFixture.addUser(testKit, state, "admin", "secret", UserDirectory.Role.ADMIN);
        session = new PctpSession(new StateClient(state, ManagementFixture.WAIT, testKit.system().scheduler()),
                new InetSocketAddress("127.0.0.1", 40000),
                new LoginThrottle("PCTP", LoginThrottle.Settings.DEFAULT, System::nanoTime));
        assertEquals(new PctpReply.Ok("Please send password"), send("USER admin"));
        assertEquals(new PctpReply.Ok("Successfully logged in"), send("PASS secret"));
    }

    private PctpReply send(String line) {
        return session.handle(new PctpLine.Text(line)).toCompletableFuture()
                .orTimeout(ManagementFixture.WAIT.toSeconds(), TimeUnit.SECONDS).join().reply();
    }

    private int relayBufferSize() {
        return ManagementFixture.switches(testKit, state).relayBufferSize();
    }

    @ParameterizedTest(name = "IO={0}")
    @CsvSource({"0", "1", "100", "4095"})
    void raisesAValueBelowTheMinimumToTheMinimumAndAccepts(int requested) {
        assertEquals(ACCEPTED, send("CONFIG IO=8000"));
        assertEquals(ACCEPTED, send("CONFIG IO=" + requested));
        assertEquals(Switches.MIN_RELAY_BUFFER, relayBufferSize());
    }

    @ParameterizedTest(name = "IO={0}")
    @CsvSource({"4096", "8000", "1048576"})
    void setsAValueWithinTheLimitsAsItIs(int requested) {
        assertEquals(ACCEPTED, send("CONFIG IO=" + requested));
        assertEquals(requested, relayBufferSize());
    }

    @Test
    void refusesAValueAboveTheMaximumAndKeepsTheSize() {
        assertEquals(ACCEPTED, send("CONFIG IO=8000"));
        assertEquals(new PctpReply.Err("relay buffer size must be 4096 to 1048576 bytes, not 1048577"),
                send("CONFIG IO=1048577"));
        assertEquals(8000, relayBufferSize());
    }

    @Test
    void raisesOnlyBelowTheMinimum() {
        assertEquals(Switches.MIN_RELAY_BUFFER, PctpSession.relayBufferSize(new PctpCommand.ConfigIo(0)));
        assertEquals(Switches.MIN_RELAY_BUFFER, PctpSession.relayBufferSize(new PctpCommand.ConfigIo(4095)));
        assertEquals(4097, PctpSession.relayBufferSize(new PctpCommand.ConfigIo(4097)));
        assertEquals(Integer.MAX_VALUE, PctpSession.relayBufferSize(new PctpCommand.ConfigIo(Integer.MAX_VALUE)));
    }
}
