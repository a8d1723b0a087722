package socks5d.management.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class MetricsTest {
    private static final Metrics.LimitEvents NONE = new Metrics.LimitEvents(0, 0, 0, 0, 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @Test
    void sumsUdpAssociationsAsTheyAreReported() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        metrics.tell(new Metrics.UdpTraffic(2, 10, 5120, 3));
        metrics.tell(new Metrics.UdpTraffic(1, 4, 2048, 0));
        Metrics.Snapshot s = snapshot(metrics);
        assertEquals(3, s.udpAssociations());
        assertEquals(14, s.udpDatagrams());
        assertEquals(7168, s.udpBytes());
        assertEquals(3, s.udpDropped());
    }

    @Test
    void addsUpLimitEvents() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        metrics.tell(new Metrics.LimitEvents(1, 2, 3, 4, 5));
        metrics.tell(new Metrics.LimitEvents(10, 20, 30, 40, 50));
        assertEquals(new Metrics.LimitEvents(11, 22, 33, 44, 55), snapshot(metrics).limits());
    }

    @Test
    void startsWithEveryCounterAtZero() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        assertEquals(new Metrics.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NONE), snapshot(metrics));
    }

    @Test
    void countsEverySpecCounter() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        metrics.tell(Metrics.ConnectionOpened.INSTANCE);
        metrics.tell(Metrics.ConnectionOpened.INSTANCE);
        metrics.tell(Metrics.ConnectionRejected.INSTANCE);
        metrics.tell(new Metrics.AuthAttempted(true));
        metrics.tell(new Metrics.AuthAttempted(false));
        metrics.tell(new Metrics.AuthAttempted(false));
        metrics.tell(new Metrics.Traffic(100, 250, 130, 4, 90, 3, 100));
        metrics.tell(new Metrics.Traffic(50, 120, 60, 2, 20, 1, 10));
        metrics.tell(new Metrics.SessionEnded(true));
        metrics.tell(new Metrics.SessionEnded(false));
        metrics.tell(new Metrics.ConnectionClosed(100));
        // attempts 3, historic 2, current 1, max 2, ok 1, failed 1, auth 3 / 2 failures,
        // proxied 150, current proxied 50, transferred 370, client 190, reads 110/6 = 18, writes 110/4 = 27
        assertEquals(new Metrics.Snapshot(3, 2, 1, 2, 1, 1, 3, 2, 150, 50, 370, 190, 18, 27, 0, 0, 0, 0, NONE), snapshot(metrics));
    }

    @Test
    void tracksTheHighestConcurrencySeen() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        for (int i = 0; i < 3; i++) {
            metrics.tell(Metrics.ConnectionOpened.INSTANCE);
        }
        metrics.tell(new Metrics.ConnectionClosed(0));
        metrics.tell(new Metrics.ConnectionClosed(0));
        metrics.tell(Metrics.ConnectionOpened.INSTANCE);
        Metrics.Snapshot s = snapshot(metrics);
        assertEquals(2, s.currentConnections());
        assertEquals(3, s.maxConcurrentConnections());
        assertEquals(4, s.historicConnections());
    }

    @Test
    void averagesReadAndWriteSizesAsIntegers() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        metrics.tell(new Metrics.Traffic(0, 0, 0, 3, 10, 0, 0));
        Metrics.Snapshot s = snapshot(metrics);
        assertEquals(3, s.avgReadSize());
        assertEquals(0, s.avgWriteSize(), "0 before any write");
        metrics.tell(new Metrics.Traffic(0, 0, 0, 1, 2, 2, 4097));
        s = snapshot(metrics);
        assertEquals(3, s.avgReadSize());
        assertEquals(2048, s.avgWriteSize());
    }

    @Test
    void neverGoesBelowZeroAndWarns() {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        LoggingTestKit.warn("while none was open").expect(testKit.system(), () -> {
            metrics.tell(new Metrics.ConnectionClosed(0));
            return null;
        });
        metrics.tell(Metrics.ConnectionOpened.INSTANCE);
        metrics.tell(new Metrics.Traffic(10, 0, 0, 0, 0, 0, 0));
        LoggingTestKit.warn("bytes proxied but open connections have").expect(testKit.system(), () -> {
            metrics.tell(new Metrics.ConnectionClosed(25));
            return null;
        });
        Metrics.Snapshot s = snapshot(metrics);
        assertEquals(0, s.currentConnections());
        assertEquals(0, s.currentBytesProxied());
        assertEquals(10, s.bytesProxied());
    }

    @Test
    void addsUpExactlyUnderConcurrentUpdates() throws Exception {
        ActorRef<Metrics.Command> metrics = testKit.spawn(Metrics.create());
        int threads = 4;
        int perThread = 2500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        metrics.tell(Metrics.ConnectionOpened.INSTANCE);
                        metrics.tell(new Metrics.AuthAttempted(i % 5 != 0));
                        metrics.tell(new Metrics.Traffic(3, 7, 5, 1, 8, 1, 16));
                        metrics.tell(new Metrics.SessionEnded(i % 2 == 0));
                        metrics.tell(new Metrics.ConnectionClosed(3));
                        metrics.tell(Metrics.ConnectionRejected.INSTANCE);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long n = (long) threads * perThread;
        Metrics.Snapshot s = snapshot(metrics);
        assertEquals(2 * n, s.connectionAttempts());
        assertEquals(n, s.historicConnections());
        assertEquals(0, s.currentConnections());
        assertEquals(n / 2, s.successfulConnections());
        assertEquals(n / 2, s.failedConnections());
        assertEquals(n, s.authAttempts());
        assertEquals(n / 5, s.authFailures());
        assertEquals(3 * n, s.bytesProxied());
        assertEquals(0, s.currentBytesProxied());
        assertEquals(7 * n, s.bytesTransferred());
        assertEquals(5 * n, s.clientBytes());
        assertEquals(8, s.avgReadSize());
        assertEquals(16, s.avgWriteSize());
    }

    private Metrics.Snapshot snapshot(ActorRef<Metrics.Command> metrics) {
        TestProbe<Metrics.Snapshot> probe = testKit.createTestProbe();
        metrics.tell(new Metrics.GetSnapshot(probe.getRef()));
        return probe.receiveMessage(WAIT);
    }
}
