package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Metrics;

/**
 * Thousands of simulated SOCKS sessions, each its own actor, start and end concurrently against the
 * real metrics and access-log actors, sending exactly what the proxy's session stage sends (open,
 * auth, traffic batches, end, close, access entry). The counters must add up exactly
 * (docs/operations.md, Metrics).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class SessionSimulationTest {
    private static final int SESSIONS = 5000;

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    /** What one simulated session does; derived from its seed so the expected totals can be computed. */
    private record Plan(boolean authOk, boolean succeeded, int batches, int bytesPerBatch) {
        static Plan of(long seed) {
            Random r = new Random(seed);
            boolean authOk = r.nextInt(10) != 0;
            return new Plan(authOk, authOk && r.nextInt(5) != 0, 1 + r.nextInt(4), 1 + r.nextInt(5000));
        }

        long proxied() {
            return succeeded ? (long) batches * bytesPerBatch : 0;
        }
    }

    private enum Go { INSTANCE }

    private static Behavior<Go> session(long seed, ActorRef<Metrics.Command> metrics, ActorRef<AccessLog.Command> log,
                                        ActorRef<Boolean> done) {
        return Behaviors.receive(Go.class).onMessage(Go.class, go -> {
            Plan p = Plan.of(seed);
            metrics.tell(Metrics.ConnectionOpened.INSTANCE);
            metrics.tell(new Metrics.AuthAttempted(p.authOk()));
            if (p.succeeded()) {
                for (int b = 0; b < p.batches(); b++) {
                    metrics.tell(new Metrics.Traffic(p.bytesPerBatch(), 2L * p.bytesPerBatch(), p.bytesPerBatch(),
                            1, p.bytesPerBatch(), 1, p.bytesPerBatch()));
                }
            }
            metrics.tell(new Metrics.SessionEnded(p.succeeded()));
            metrics.tell(new Metrics.ConnectionClosed(p.proxied()));
            log.tell(new AccessLog.Record(new AccessLog.Entry(Instant.now(), p.authOk() ? "u" + seed : null,
                    "127.0.0.1", 40000, "dest.test", 80, p.succeeded() ? 0 : 1, p.proxied(), p.authOk())));
            done.tell(true);
            return Behaviors.stopped();
        }).build();
    }

    @Test
    void countersAddUpExactlyAfterThousandsOfConcurrentSessions() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        ActorRef<AccessLog.Command> log = testKit.spawn(AccessLog.create(SESSIONS));
        TestProbe<Boolean> done = testKit.createTestProbe();
        for (long seed = 0; seed < SESSIONS; seed++) {
            testKit.spawn(session(seed, metrics, log, done.getRef())).tell(Go.INSTANCE);
        }
        done.receiveSeveralMessages(SESSIONS, Duration.ofSeconds(30));

        long auth = 0, authFailures = 0, ok = 0, proxied = 0, batches = 0;
        for (long seed = 0; seed < SESSIONS; seed++) {
            Plan p = Plan.of(seed);
            auth++;
            authFailures += p.authOk() ? 0 : 1;
            ok += p.succeeded() ? 1 : 0;
            proxied += p.proxied();
            batches += p.succeeded() ? p.batches() : 0;
        }
        TestProbe<Metrics.Snapshot> probe = testKit.createTestProbe();
        metrics.tell(new Metrics.GetSnapshot(probe.getRef()));
        Metrics.Snapshot s = probe.receiveMessage(Duration.ofSeconds(10));
        assertEquals(SESSIONS, s.connectionAttempts());
        assertEquals(SESSIONS, s.historicConnections());
        assertEquals(0, s.currentConnections());
        assertEquals(ok, s.successfulConnections());
        assertEquals(SESSIONS - ok, s.failedConnections());
        assertEquals(auth, s.authAttempts());
        assertEquals(authFailures, s.authFailures());
        assertEquals(proxied, s.bytesProxied());
        assertEquals(0, s.currentBytesProxied());
        assertEquals(2 * proxied, s.bytesTransferred());
        assertEquals(proxied, s.clientBytes());
        assertEquals(batches == 0 ? 0 : proxied / batches, s.avgReadSize());

        TestProbe<AccessLog.Recent> recent = testKit.createTestProbe();
        log.tell(new AccessLog.GetRecent(SESSIONS + 10, recent.getRef()));
        assertEquals(SESSIONS, recent.receiveMessage(Duration.ofSeconds(10)).entries().size());
    }
}
