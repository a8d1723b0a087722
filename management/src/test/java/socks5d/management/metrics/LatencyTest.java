package socks5d.management.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** The fixed-bucket latency histogram, and the metrics actor's sum of observations (docs/operations.md, Prometheus metrics). */
class LatencyTest {
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @Test
    void bucketsAreInclusiveUpperBoundsInSeconds() {
        Latency l = new Latency();
        l.observe(1_000_000);      // exactly 1 ms: the first bucket (le = 0.001)
        l.observe(1_000_001);      // just above: le = 0.0025
        l.observe(-5);             // a clock step backwards counts as 0
        l.observe(20_000_000_000L); // beyond 10 s: +Inf
        long[] counts = l.bucketCounts();
        assertEquals(Latency.upperBoundsSeconds().length + 1, counts.length);
        assertEquals(0.001, Latency.upperBoundsSeconds()[0]);
        assertEquals(10.0, Latency.upperBoundsSeconds()[Latency.upperBoundsSeconds().length - 1]);
        assertEquals(2, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(1, counts[counts.length - 1]);
        assertEquals(4, l.count());
        assertEquals(1_000_000 + 1_000_001 + 20_000_000_000L, l.sumNanos());
    }

    @Test
    void copiesAddAndClearIndependently() {
        Latency a = new Latency();
        a.observe(3_000_000);
        Latency copy = a.copy();
        a.clear();
        assertEquals(0, a.count());
        assertEquals(1, copy.count());
        copy.add(copy.copy());
        assertEquals(2, copy.count());
        assertEquals(6_000_000, copy.sumNanos());
    }

    @Test
    void theMetricsActorSumsTheObservationsOfEveryBatch() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        Latency h = new Latency();
        h.observe(2_000_000);
        long[] replies = new long[Observations.REPLY_SLOTS];
        replies[0] = 2;
        replies[2] = 1;
        replies[Observations.NO_REPLY] = 1;
        Metrics.Traffic none = new Metrics.Traffic(0, 0, 0, 0, 0, 0, 0);
        metrics.tell(new Metrics.Batch(4, 0, 4, 0, 2, 2, 0, 0, 4, none,
                new Observations(100, 200, replies, 1, h, new Latency())));
        metrics.tell(new Metrics.Batch(0, 0, 0, 0, 0, 0, 0, 0, 0, none,
                new Observations(10, 20, replies.clone(), 2, h.copy(), h.copy())));
        metrics.tell(new Metrics.Batch(1, 0, 0, 0, 0, 0, 0, 0, 1, none)); // without observations
        TestProbe<Metrics.Detail> probe = testKit.createTestProbe();
        metrics.tell(new Metrics.GetDetail(probe.getRef()));
        Metrics.Detail d = probe.receiveMessage();
        assertEquals(5, d.snapshot().historicConnections());
        Observations o = d.observed();
        assertEquals(110, o.bytesFromClient());
        assertEquals(220, o.bytesToClient());
        assertArrayEquals(new long[] {4, 0, 2, 0, 0, 0, 0, 0, 0, 2}, o.replies());
        assertEquals(3, o.credentials());
        assertEquals(2, o.handshake().count());
        assertEquals(1, o.connect().count());
        assertEquals(4_000_000, o.handshake().sumNanos());
    }
}
