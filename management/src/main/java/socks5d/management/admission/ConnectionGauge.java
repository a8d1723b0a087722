package socks5d.management.admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections of one management listener open right now (MCP, MASS, PCTP, HTTP admin), so
 * that its accept loop can enforce {@code socks5d.management.max-connections} without a round trip to
 * an actor. The SOCKS listener has its own admission, with a descriptor budget, in the proxy module.
 * Lock-free; safe from any thread.
 */
public final class ConnectionGauge {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

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

    /** The connections open now. */
    public int open() {
        return open.get();
    }
}
