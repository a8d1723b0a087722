package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Stamps of a cluster node's changes against a fake wall clock. */
class HybridClockTest {
    private static final String NODE = "pekko://socks5d@127.0.0.1:2551";

    @Test
    void followsTheWallClockAndNeverRepeatsOrGoesBack() {
        long[] now = {1000};
        HybridClock clock = new HybridClock(NODE, () -> now[0]);
        assertEquals(new UserRecord.Stamp(1000, NODE), clock.next());
        assertEquals(new UserRecord.Stamp(1001, NODE), clock.next(), "same millisecond: one later");
        now[0] = 500;
        assertEquals(new UserRecord.Stamp(1002, NODE), clock.next(), "the wall clock stepped back");
        now[0] = 2000;
        assertEquals(new UserRecord.Stamp(2000, NODE), clock.next());
    }

    @Test
    void stampsAfterEveryStampItHasSeen() {
        HybridClock clock = new HybridClock(NODE, () -> 1000);
        clock.observe(new UserRecord.Stamp(5000, "other"));
        clock.observe(new UserRecord.Stamp(3000, "other"));
        assertEquals(new UserRecord.Stamp(5001, NODE), clock.next());
    }
}
