package socks5d.management.mass;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class FailedLoginsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private final AtomicLong now = new AtomicLong();
    private final InetAddress a = InetAddress.getLoopbackAddress();
    private final InetAddress b = address(10, 0, 0, 2);

    @Test
    void delaysEachConsecutiveFailureOneStepMoreUpToTheMaximum() {
        ActorRef<FailedLogins.Command> failures = testKit.spawn(FailedLogins.create(now::get));
        for (int n = 1; n <= 15; n++) {
            long expected = Math.min((n - 1) * 200L, 2000L);
            assertEquals(Duration.ofMillis(expected), fail(failures, a), "failure " + n);
        }
    }

    @Test
    void countsEachAddressOnItsOwn() {
        ActorRef<FailedLogins.Command> failures = testKit.spawn(FailedLogins.create(now::get));
        fail(failures, a);
        fail(failures, a);
        assertEquals(Duration.ZERO, fail(failures, b));
        assertEquals(Duration.ofMillis(400), fail(failures, a));
    }

    @Test
    void startsAgainAfterASuccessfulLogin() {
        ActorRef<FailedLogins.Command> failures = testKit.spawn(FailedLogins.create(now::get));
        fail(failures, a);
        fail(failures, a);
        failures.tell(new FailedLogins.Succeeded(a));
        assertEquals(Duration.ZERO, fail(failures, a));
    }

    @Test
    void forgetsAQuietAddress() {
        ActorRef<FailedLogins.Command> failures = testKit.spawn(FailedLogins.create(now::get));
        fail(failures, a);
        fail(failures, a);
        now.addAndGet(FailedLogins.FORGET_AFTER.plusSeconds(1).toNanos());
        assertEquals(Duration.ZERO, fail(failures, a));
    }

    private Duration fail(ActorRef<FailedLogins.Command> failures, InetAddress client) {
        TestProbe<FailedLogins.Delay> probe = testKit.createTestProbe();
        failures.tell(new FailedLogins.Failed(client, probe.getRef()));
        return probe.receiveMessage(WAIT).delay();
    }

    private static InetAddress address(int... octets) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) octets[0], (byte) octets[1], (byte) octets[2],
                    (byte) octets[3]});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
