package socks5d.management.admission;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the connections of one management listener open right now (MCP, MASS, PCTP, HTTP admin), so
 * that its accept loop can enforce {@code socks5d.management.max-connections} without a round trip to
 * an actor. The SOCKS listener has its own admission, with a descriptor budget, in the proxy module.
 * Lock-free; safe from any thread.
 */
public final class ConnectionGauge {
    /** At most one refusal WARN per listener in this long; the refusals between are counted into the next. */
    public static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    /** When the last refusal was warned about, on {@link System#nanoTime}'s scale; refusals not warned about since. */
    private final AtomicLong lastWarned = new AtomicLong();
    private final AtomicLong unwarned = new AtomicLong();
    private volatile boolean warnedOnce;

    /** @param max most connections at once; 0 means no limit */
    public ConnectionGauge(int max) {
        this.max = max;
    }

    /** Takes a slot for a new connection, or returns {@code false} if {@code max} are open. */
    public boolean tryOpen() {
        while (true) {
            int now = open.get();
            if (max > 0 && now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Releases a slot taken with {@link #tryOpen}. */
    public void close() {
        open.decrementAndGet();
    }

    /**
     * Records a refused connection at {@code nowNanos} and says whether to warn about it: the first
     * refusal, then at most one every {@link #WARN_EVERY_NANOS}, so that a flood of connections
     * cannot flood the log. Returns how many refusals the warning covers (this one and those not
     * warned about since the last), or 0 for no warning.
     */
    public long refused(long nowNanos) {
        unwarned.incrementAndGet();
        long last = lastWarned.get();
        if (warnedOnce && nowNanos - last < WARN_EVERY_NANOS) {
            return 0;
        }
        if (!lastWarned.compareAndSet(last, nowNanos)) {
            return 0; // another thread warns for this period; its count takes this one
        }
        warnedOnce = true;
        return unwarned.getAndSet(0);
    }

    /** The connections open now. */
    public int open() {
        return open.get();
    }
}
