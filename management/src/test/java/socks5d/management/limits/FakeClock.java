package socks5d.management.limits;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when told. Not thread-safe. */
final class FakeClock implements LongSupplier {
    private long now = 123_456_789L;

    @Override
    public long getAsLong() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }
}
