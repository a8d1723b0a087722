package socks5d.management.limits;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client-address admission of the SOCKS port (docs/operations.md, Limits): at most
 * {@code maxConcurrent} connections open at once from one address, and at most
 * {@code newPerSecond} new ones a second (a bucket of one second's worth, so a client may open that
 * many at once and then that many a second). IPv6 addresses count by /64 ({@link AddressKey}).
 * Either limit 0 is off.
 *
 * <p>One instance is owned by the server and called from every event loop: a connection is
 * accepted on whichever loop Netty assigns (round robin), so the counts of one address are shared
 * across loops. Thread-safe without a shared lock: one {@link ConcurrentHashMap} whose entries are
 * changed only by {@code compute} on their key (which holds that entry's bin for a few arithmetic
 * steps, never across I/O). An address is dropped once it has no connection open and its rate
 * bucket is full again; {@link #sweep} drops those whose bucket refilled after their last close.
 */
public final class AddressLimits {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Why a connection was refused. */
    public enum Refusal {
        /** The address has {@code maxConcurrent} connections open. */
        CONCURRENCY,
        /** The address opened {@code newPerSecond} connections within the last second. */
        RATE
    }

    /** One address's state; changed only inside {@code compute} on its key. */
    private static final class Count {
        int open;
        /** The instant its rate bucket is full again (as {@link TokenBucket}). */
        long full;
    }

    private final int maxConcurrent;
    private final int newPerSecond;
    private final boolean exemptLoopback;
    private final LongSupplier nanoTime;
    private final long costNanos;
    private final ConcurrentHashMap<AddressKey, Count> counts = new ConcurrentHashMap<>();

    /**
     * @param maxConcurrent  connections open at once per address, 0 for no limit
     * @param newPerSecond   new connections per second per address, 0 for no limit
     * @param exemptLoopback whether connections from a loopback address are left uncounted
     * @param nanoTime       a monotonic clock in nanoseconds
     */
    public AddressLimits(int maxConcurrent, int newPerSecond, boolean exemptLoopback, LongSupplier nanoTime) {
        if (maxConcurrent < 0 || newPerSecond < 0) {
            throw new IllegalArgumentException("per-address limits must be 0 (off) or more");
        }
        this.maxConcurrent = maxConcurrent;
        this.newPerSecond = newPerSecond;
        this.exemptLoopback = exemptLoopback;
        this.nanoTime = nanoTime;
        this.costNanos = newPerSecond == 0 ? 0 : NANOS_PER_SECOND / newPerSecond;
    }

    /** Whether any limit is set; when not, the server need not call this at all. */
    public boolean enabled() {
        return maxConcurrent > 0 || newPerSecond > 0;
    }

    /** Whether connections from {@code client} are counted at all. */
    public boolean counts(InetAddress client) {
        return !(exemptLoopback && client.isLoopbackAddress());
    }

    /**
     * Admits a new connection from {@code client} and returns null, or refuses it and returns why
     * (nothing is counted then). Each admitted connection must be {@link #close}d exactly once.
     */
    public Refusal tryOpen(InetAddress client) {
        long now = nanoTime.getAsLong();
        Refusal[] refusal = {null};
        counts.compute(AddressKey.of(client), (k, c) -> {
            if (c == null) {
                c = new Count();
                c.full = now;
            }
            if (maxConcurrent > 0 && c.open >= maxConcurrent) {
                refusal[0] = Refusal.CONCURRENCY;
            } else if (newPerSecond > 0) {
                long next = (c.full - now > 0 ? c.full : now) + costNanos;
                if (next - NANOS_PER_SECOND - now > 0) {
                    refusal[0] = Refusal.RATE;
                } else {
                    c.full = next;
                }
            }
            if (refusal[0] == null) {
                c.open++;
            }
            return c.open == 0 && c.full - now <= 0 ? null : c;
        });
        return refusal[0];
    }

    /** A connection {@link #tryOpen} admitted from {@code client} closed. */
    public void close(InetAddress client) {
        long now = nanoTime.getAsLong();
        counts.computeIfPresent(AddressKey.of(client), (k, c) -> {
            c.open--;
            return c.open <= 0 && c.full - now <= 0 ? null : c;
        });
    }

    /** Drops addresses with nothing open whose bucket has refilled; call now and then (the server: every second). */
    public void sweep() {
        long now = nanoTime.getAsLong();
        for (AddressKey key : counts.keySet()) {
            counts.computeIfPresent(key, (k, c) -> c.open <= 0 && c.full - now <= 0 ? null : c);
        }
    }

    /** Connections open now from {@code client}'s address (or /64). */
    public int open(InetAddress client) {
        Count c = counts.get(AddressKey.of(client));
        return c == null ? 0 : c.open;
    }

    /** Addresses remembered now. */
    public int size() {
        return counts.size();
    }
}
