package socks5d.management.switches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class SwitchesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Switches.State DEFAULTS = new Switches.State(true, true, 65536);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @Test
    void answersTheInitialState() {
        ActorRef<Switches.Command> switches = testKit.spawn(Switches.create(DEFAULTS));
        assertEquals(DEFAULTS, get(switches));
    }

    @Test
    void setsAuthenticationAndDissectorsAndRepliesTheNewState() {
        ActorRef<Switches.Command> switches = testKit.spawn(Switches.create(DEFAULTS));
        TestProbe<Switches.State> probe = testKit.createTestProbe();
        switches.tell(new Switches.SetAuthRequired(false, probe.getRef()));
        assertEquals(new Switches.State(false, true, 65536), probe.receiveMessage(WAIT));
        switches.tell(new Switches.SetDissectors(false, probe.getRef()));
        assertEquals(new Switches.State(false, false, 65536), probe.receiveMessage(WAIT));
        switches.tell(new Switches.SetAuthRequired(true, probe.getRef()));
        assertEquals(new Switches.State(true, false, 65536), probe.receiveMessage(WAIT));
        assertEquals(new Switches.State(true, false, 65536), get(switches));
    }

    @Test
    void setsRelayBufferSizesWithinTheLimitsOnly() {
        ActorRef<Switches.Command> switches = testKit.spawn(Switches.create(DEFAULTS));
        assertEquals(new Switches.Changed(new Switches.State(true, true, 4096)), setSize(switches, 4096));
        assertEquals(new Switches.Changed(new Switches.State(true, true, 1 << 20)), setSize(switches, 1 << 20));
        Switches.SetReply tooSmall = setSize(switches, 4095);
        assertInstanceOf(Switches.Rejected.class, tooSmall);
        assertTrue(((Switches.Rejected) tooSmall).why().contains("4096"), ((Switches.Rejected) tooSmall).why());
        assertInstanceOf(Switches.Rejected.class, setSize(switches, (1 << 20) + 1));
        assertInstanceOf(Switches.Rejected.class, setSize(switches, 0));
        assertInstanceOf(Switches.Rejected.class, setSize(switches, -1));
        assertEquals(new Switches.State(true, true, 1 << 20), get(switches));
    }

    @Test
    void sendsSubscribersTheStateAtOnceAndAfterEveryChange() {
        ActorRef<Switches.Command> switches = testKit.spawn(Switches.create(DEFAULTS));
        TestProbe<Switches.State> subscriber = testKit.createTestProbe();
        TestProbe<Switches.State> replies = testKit.createTestProbe();
        switches.tell(new Switches.Subscribe(subscriber.getRef()));
        assertEquals(DEFAULTS, subscriber.receiveMessage(WAIT));
        LoggingTestKit.info("Switches changed").expect(testKit.system(), () -> {
            switches.tell(new Switches.SetDissectors(false, replies.getRef()));
            return null;
        });
        assertEquals(new Switches.State(true, false, 65536), subscriber.receiveMessage(WAIT));
        switches.tell(new Switches.SetRelayBufferSize(8192, testKit.<Switches.SetReply>createTestProbe().getRef()));
        assertEquals(new Switches.State(true, false, 8192), subscriber.receiveMessage(WAIT));
        // setting a switch to the value it has changes nothing and notifies nobody
        switches.tell(new Switches.SetDissectors(false, replies.getRef()));
        subscriber.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void dropsSubscribersThatStopAndKeepsServingTheOthers() {
        ActorRef<Switches.Command> switches = testKit.spawn(Switches.create(DEFAULTS));
        TestProbe<Switches.State> forwarded = testKit.createTestProbe();
        TestProbe<Switches.State> other = testKit.createTestProbe();
        ActorRef<Switches.State> shortLived = testKit.spawn(forwardTo(forwarded.getRef()));
        switches.tell(new Switches.Subscribe(shortLived));
        switches.tell(new Switches.Subscribe(other.getRef()));
        assertEquals(DEFAULTS, forwarded.receiveMessage(WAIT));
        assertEquals(DEFAULTS, other.receiveMessage(WAIT));
        testKit.stop(shortLived, WAIT);
        switches.tell(new Switches.SetAuthRequired(false, testKit.<Switches.State>createTestProbe().getRef()));
        assertEquals(new Switches.State(false, true, 65536), other.receiveMessage(WAIT));
        forwarded.expectNoMessage(Duration.ofMillis(100));
    }

    private static Behavior<Switches.State> forwardTo(ActorRef<Switches.State> target) {
        return Behaviors.receiveMessage(s -> {
            target.tell(s);
            return Behaviors.same();
        });
    }

    private Switches.State get(ActorRef<Switches.Command> switches) {
        TestProbe<Switches.State> probe = testKit.createTestProbe();
        switches.tell(new Switches.GetState(probe.getRef()));
        return probe.receiveMessage(WAIT);
    }

    private Switches.SetReply setSize(ActorRef<Switches.Command> switches, int bytes) {
        TestProbe<Switches.SetReply> probe = testKit.createTestProbe();
        switches.tell(new Switches.SetRelayBufferSize(bytes, probe.getRef()));
        return probe.receiveMessage(WAIT);
    }
}
