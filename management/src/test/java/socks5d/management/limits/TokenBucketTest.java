package socks5d.management.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aFullBucketGivesItsBurstAtOnceThenWaitsForTheRate() {
        TokenBucket b = new TokenBucket(1000, 500, clock);
        assertEquals(0, b.take(500));
        // 100 more units: 100 ms worth of debt
        assertEquals(Duration.ofMillis(100).toNanos(), b.take(100));
        assertFalse(b.isFull());
    }

    @Test
    void aReaderThatWaitsAsToldMovesExactlyTheRate() {
        TokenBucket b = new TokenBucket(1_000_000, 16_384, clock);
        long moved = 0;
        long elapsed = 0;
        // read 64 KiB chunks for a simulated 10 s, waiting as told between reads
        while (elapsed < Duration.ofSeconds(10).toNanos()) {
            long wait = b.take(65_536);
            moved += 65_536;
            clock.advance(Duration.ofNanos(wait));
            elapsed += wait;
        }
        double rate = moved / (elapsed / 1e9);
        assertTrue(Math.abs(rate - 1_000_000) / 1_000_000 < 0.01, "rate " + rate);
    }

    @Test
    void itRefillsAtTheRateUpToTheBurst() {
        TokenBucket b = new TokenBucket(1000, 1000, clock);
        assertEquals(0, b.take(1000));
        clock.advance(Duration.ofMillis(500));
        assertEquals(0, b.take(500));
        // the bucket is empty: one more unit is 1 ms of debt
        assertEquals(Duration.ofMillis(1).toNanos(), b.take(1));
        clock.advance(Duration.ofSeconds(60));
        assertTrue(b.isFull());
        assertEquals(0, b.take(1000)); // never more than the burst, however long it waited
        assertEquals(Duration.ofMillis(1).toNanos(), b.take(1));
    }

    @Test
    void hugeRatesDoNotOverflow() {
        TokenBucket b = new TokenBucket(10_000_000_000L, 1, clock);
        assertEquals(0, b.take(1));
        long wait = b.take(Integer.MAX_VALUE);
        assertTrue(wait > 200_000_000L && wait < 220_000_000L, "wait " + wait);
    }

    @Test
    void zeroRateOrBurstIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, clock));
    }
}
