package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class StateActorsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @TempDir
    Path dir;

    @Test
    void spawnsTheFourActorsFromTheReferenceConfig() {
        Config config = ConfigFactory.empty()
                .withValue("socks5d.management.users.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()))
                .withFallback(testKit.system().settings().config());
        TestProbe<StateActors> spawned = testKit.createTestProbe();
        testKit.spawn(Behaviors.setup(context -> {
            spawned.getRef().tell(StateActors.spawn(context, config));
            return Behaviors.empty();
        }));
        StateActors state = spawned.receiveMessage(WAIT);

        TestProbe<Switches.State> switches = testKit.createTestProbe();
        state.switches().tell(new Switches.GetState(switches.getRef()));
        assertEquals(new Switches.State(true, true, 64 * 1024), switches.receiveMessage(WAIT));

        TestProbe<Metrics.Snapshot> metrics = testKit.createTestProbe();
        state.metrics().tell(new Metrics.GetSnapshot(metrics.getRef()));
        assertEquals(0, metrics.receiveMessage(WAIT).connectionAttempts());

        TestProbe<UserDirectory.AddUserReply> users = testKit.createTestProbe();
        state.users().tell(new UserDirectory.AddUser("admin", "secret", UserDirectory.Role.ADMIN, users.getRef()));
        assertInstanceOf(UserDirectory.Added.class, users.receiveMessage(WAIT));
    }
}
