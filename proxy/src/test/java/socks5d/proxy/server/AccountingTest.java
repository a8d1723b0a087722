package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Metrics;

/**
 * The per-loop flush of {@link Accounting} ({@code socks5d.proxy.metrics-flush-interval}) with the
 * clock as the subject: the event loop is an {@link EmbeddedChannel}'s on a {@link MockTicker}, the
 * actors are probes. What the sessions count between two flushes arrives as one batch at the
 * interval, and a quiet interval sends nothing. Every check is on what does arrive (a batch holding
 * both counts proves no flush came between them), so no test waits for an absence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountingTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ActorTestKit testKit = ActorTestKit.create();
    private final MockTicker clock = Ticker.newMockTicker();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(clock).build();
    private final TestProbe<Metrics.Command> metrics = testKit.createTestProbe();
    private final TestProbe<AccessLog.Command> accessLog = testKit.createTestProbe();
    private final Accounting accounting = new Accounting(metrics.ref(), accessLog.ref(), new SocksAdmission(0, 0));

    @AfterAll
    void stop() {
        channel.finishAndReleaseAll();
        testKit.shutdownTestKit();
    }

    private void advance(Duration by) {
        clock.advance(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    private static AccessLog.Entry entry(String destination) {
        return new AccessLog.Entry(Instant.EPOCH, null, "127.0.0.1", 50_000, destination, 80, 0, 0, false);
    }

    @Test
    void countsOfOneIntervalArriveAsOneBatchAtItsEnd() {
        accounting.flushEvery(channel.eventLoop(), INTERVAL);
        accounting.opened++;
        accounting.log(entry("a.example"));
        advance(INTERVAL.minusNanos(1));
        accounting.opened++;
        accounting.log(entry("b.example"));
        advance(Duration.ofNanos(1));
        assertEquals(2, metrics.expectMessageClass(Metrics.Batch.class).opened(), "one batch with both");
        assertEquals(2, accessLog.expectMessageClass(AccessLog.RecordAll.class).entries().size());

        // A quiet interval sends nothing: the next batch is the next count.
        advance(INTERVAL);
        accounting.opened++;
        accounting.log(entry("c.example"));
        advance(INTERVAL);
        assertEquals(1, metrics.expectMessageClass(Metrics.Batch.class).opened());
        assertEquals(1, accessLog.expectMessageClass(AccessLog.RecordAll.class).entries().size());
    }

    @Test
    void logEntriesAreSentBeforeTheCountsOfTheSameFlush() {
        // One probe behind both references sees the two messages in the order they were sent: a reader
        // who sees a session counted and then asks the access log must find it there.
        TestProbe<Object> both = testKit.createTestProbe();
        Accounting shared = new Accounting(both.ref().narrow(), both.ref().narrow(), new SocksAdmission(0, 0));
        shared.opened++;
        shared.closed++;
        shared.log(entry("d.example"));
        shared.run();
        both.expectMessageClass(AccessLog.RecordAll.class);
        both.expectMessageClass(Metrics.Batch.class);
    }
}
