package socks5d.management.metrics;

import java.util.Arrays;

/**
 * A latency histogram with fixed buckets (docs/operations.md, Prometheus metrics): a count per bucket
 * and the sum of all observations, cheap enough to update on an event loop for every session. The
 * data plane keeps a mutable one per event loop and sends a copy in each {@link Metrics.Batch}; the
 * metrics actor adds the copies up. Not thread-safe: confined to its event loop, or to the actor.
 */
public final class Latency {
    /** Upper bounds of the buckets in nanoseconds, ascending; the last bucket (+Inf) has no bound here. */
    private static final long[] BOUNDS_NANOS = {
            1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L,
            250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L};

    /** Observations per bucket (not cumulative); the last one is above every bound. */
    private final long[] counts = new long[BOUNDS_NANOS.length + 1];
    private long sumNanos;
    private long count;

    /** Upper bounds of the buckets in seconds, without +Inf. */
    public static double[] upperBoundsSeconds() {
        double[] out = new double[BOUNDS_NANOS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = BOUNDS_NANOS[i] / 1e9;
        }
        return out;
    }

    /** Counts one observation of {@code nanos} (a negative value counts as 0). */
    public void observe(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        counts[i]++;
        sumNanos += n;
        count++;
    }

    /** Adds every observation of {@code other} to this one. */
    public void add(Latency other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        sumNanos += other.sumNanos;
        count += other.count;
    }

    public long count() {
        return count;
    }

    public long sumNanos() {
        return sumNanos;
    }

    /** Observations per bucket, not cumulative, the +Inf bucket last; a copy. */
    public long[] bucketCounts() {
        return counts.clone();
    }

    public Latency copy() {
        Latency c = new Latency();
        c.add(this);
        return c;
    }

    public void clear() {
        Arrays.fill(counts, 0);
        sumNanos = 0;
        count = 0;
    }
}
