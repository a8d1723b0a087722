package socks5d.management.accesslog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

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
class AccessLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AccessLog.Entry AUTHENTICATED = new AccessLog.Entry(
            Instant.parse("2026-11-22T13:55:03.987654Z"), "alice", "192.0.2.7", 50123,
            "example.org", 443, 0, 12345, true);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @Test
    void formatsTheSpecLineByteForByte() {
        String line = AccessLog.format(AUTHENTICATED);
        assertArrayEquals(("2026-11-22T13:55:03Z" // time, UTC, truncated to the second
                + "\talice"                        // user
                + "\tA"                            // literal A
                + "\t192.0.2.7"                    // client ip
                + "\t50123"                        // client port
                + "\texample.org"                  // destination as asked
                + "\t443"                          // destination port
                + "\t0"                            // reply code, decimal
                + "\t12345"                        // bytes
                + "\tAuth").getBytes(StandardCharsets.UTF_8), line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void formatsAUdpAssociationAsAnALineByteForByte() {
        AccessLog.Entry e = new AccessLog.Entry(Instant.parse("2026-11-22T13:55:03.5Z"), null, "192.0.2.7", 50124,
                "0.0.0.0", 0, 0, 3 + 1200, false, new AccessLog.Udp(3, 1200, 1, 3));
        assertArrayEquals(("2026-11-22T13:55:03Z" // time, UTC, truncated to the second
                + "\t-"                           // user: none
                + "\tA"                           // literal A, as for every session
                + "\t192.0.2.7"                   // client ip (control connection)
                + "\t50124"                       // client port (control connection)
                + "\t0.0.0.0"                     // DST.ADDR of the UDP ASSOCIATE request, as sent
                + "\t0"                           // its DST.PORT
                + "\t0"                           // reply code
                + "\t1203"                        // DATA bytes both ways
                + "\tNoAuth").getBytes(StandardCharsets.UTF_8), AccessLog.format(e).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesDashesForAMissingUserAndDestination() {
        AccessLog.Entry e = new AccessLog.Entry(Instant.parse("2026-01-02T03:04:05Z"), null, "2001:db8::1", 1,
                null, 0, 4, 0, false);
        assertEquals("2026-01-02T03:04:05Z\t-\tA\t2001:db8::1\t1\t-\t0\t4\t0\tNoAuth", AccessLog.format(e));
    }

    @Test
    void escapesControlCharactersSoOneSessionStaysOneLine() {
        AccessLog.Entry e = new AccessLog.Entry(Instant.parse("2026-01-02T03:04:05Z"), "a\tb", "192.0.2.1", 2,
                "evil\nhost\\x", 80, 0, 7, true);
        assertEquals("2026-01-02T03:04:05Z\ta\\x09b\tA\t192.0.2.1\t2\tevil\\x0ahost\\x5cx\t80\t0\t7\tAuth",
                AccessLog.format(e));
    }

    @Test
    void logsTheLineOnTheAccessLogger() {
        ActorRef<AccessLog.Command> log = testKit.spawn(AccessLog.create(10));
        String line = AccessLog.format(AUTHENTICATED);
        LoggingTestKit.info(line)
                .withLoggerName(AccessLog.LOGGER)
                .withMessageRegex("^" + Pattern.quote(line) + "$")
                .expect(testKit.system(), () -> {
                    log.tell(new AccessLog.Record(AUTHENTICATED));
                    return null;
                });
    }

    @Test
    void returnsRecentEntriesNewestFirstUpToTheLimit() {
        ActorRef<AccessLog.Command> log = testKit.spawn(AccessLog.create(3));
        List<AccessLog.Entry> entries = List.of(entry(1), entry(2), entry(3), entry(4), entry(5));
        entries.forEach(e -> log.tell(new AccessLog.Record(e)));
        assertEquals(List.of(entry(5), entry(4), entry(3)), recent(log, 10), "the ring holds the newest 3");
        assertEquals(List.of(entry(5), entry(4)), recent(log, 2));
        assertEquals(List.of(), recent(log, 0));
        assertEquals(List.of(), recent(log, -1));
    }

    @Test
    void ordersBatchesFromSeveralEventLoopsByTheSessionsEndTimes() {
        ActorRef<AccessLog.Command> log = testKit.spawn(AccessLog.create(10));
        // Two event loops flush their batches in turn; the sessions of one ended between the other's.
        log.tell(new AccessLog.RecordAll(List.of(entry(1), entry(3), entry(5))));
        log.tell(new AccessLog.RecordAll(List.of(entry(2), entry(4))));
        assertEquals(List.of(entry(5), entry(4), entry(3), entry(2), entry(1)), recent(log, 10));
    }

    @Test
    void keepsNothingWithRingSizeZero() {
        ActorRef<AccessLog.Command> log = testKit.spawn(AccessLog.create(0));
        log.tell(new AccessLog.Record(entry(1)));
        assertEquals(List.of(), recent(log, 10));
    }

    private static AccessLog.Entry entry(int n) {
        return new AccessLog.Entry(Instant.parse("2026-11-22T13:55:00Z").plusSeconds(n), "user" + n, "192.0.2." + n,
                1000 + n, "host" + n + ".example", 80, 0, n, true);
    }

    private List<AccessLog.Entry> recent(ActorRef<AccessLog.Command> log, int limit) {
        TestProbe<AccessLog.Recent> probe = testKit.createTestProbe();
        log.tell(new AccessLog.GetRecent(limit, probe.getRef()));
        return probe.receiveMessage(WAIT).entries();
    }
}
