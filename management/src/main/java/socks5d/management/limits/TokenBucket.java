package socks5d.management.limits;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket of {@code rate} units per second holding at most {@code burst} units, shared by
 * any number of threads without a lock (docs/operations.md, Limits). It is kept as the instant at
 * which the bucket would be full again (the "theoretical arrival time" of the generic cell rate
 * algorithm), one {@link AtomicLong} changed by compare-and-set.
 *
 * <p>{@link #take} never refuses: it takes the units, letting the bucket go into debt, and says how
 * long the caller should wait before taking more. A reader that waits that long before its next
 * read therefore moves exactly {@code rate} units a second over time, plus at most {@code burst}
 * at once after a quiet spell. The clock is
 * passed in ({@link System#nanoTime} in the server, a fake one in tests). Thread-safe.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long rate;
    private final LongSupplier nanoTime;
    /** How far ahead of now the bucket may be emptied: burst units' worth of time. */
    private final long tolerance;
    /** The instant at which the bucket is full again; at or before now means full. */
    private final AtomicLong full;

    /**
     * @param rate     units per second, at least 1
     * @param burst    units the bucket holds when full, at least 1
     * @param nanoTime a monotonic clock in nanoseconds
     */
    public TokenBucket(long rate, long burst, LongSupplier nanoTime) {
        if (rate < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1, were " + rate + " and " + burst);
        }
        this.rate = rate;
        this.nanoTime = nanoTime;
        this.tolerance = cost(burst);
        this.full = new AtomicLong(nanoTime.getAsLong());
    }

    public long rate() {
        return rate;
    }

    /**
     * Takes {@code units} (any number, also more than the burst) and returns how many nanoseconds
     * the caller should wait before it takes again: 0 while the bucket had them.
     */
    public long take(long units) {
        long cost = cost(units);
        while (true) {
            long now = nanoTime.getAsLong();
            long was = full.get();
            long next = (was - now > 0 ? was : now) + cost;
            if (full.compareAndSet(was, next)) {
                long wait = next - tolerance - now;
                return wait > 0 ? wait : 0;
            }
        }
    }

    /** Whether the bucket is full now (nothing taken within the time it takes to refill). */
    public boolean isFull() {
        return full.get() - nanoTime.getAsLong() <= 0;
    }

    private long cost(long units) {
        if (units <= 0) {
            return 0;
        }
        // units x 1e9 / rate without overflow: whole seconds exactly, the rest in double precision.
        long whole = units / rate;
        long part = units % rate;
        return whole * NANOS_PER_SECOND + (long) ((double) part * NANOS_PER_SECOND / rate);
    }
}
