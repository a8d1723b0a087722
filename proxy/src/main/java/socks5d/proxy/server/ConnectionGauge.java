package socks5d.proxy.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the SOCKS connections open right now, so that the accept loop can enforce
 * {@code max-clients} without a round trip to an actor on every accept, and so that shutdown can
 * wait for the last session. The metrics actor keeps the reported figures; this gauge is only the
 * admission control of one listener. Lock-free; safe from any thread.
 */
public final class ConnectionGauge {
    /** Descriptors a relayed client holds: its own socket and the destination's. */
    static final int FDS_PER_CLIENT = 2;
    /** Descriptors kept back for everything but SOCKS clients (the JVM alone opens about 30). */
    static final int FD_RESERVE = 64;
    /** Plus this fraction of the limit, for management sessions and refused accepts under load. */
    static final int FD_RESERVE_FRACTION = 32;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /** @param max most connections at once; 0 means no limit */
    public ConnectionGauge(int max) {
        this.max = max;
    }

    /**
     * {@code configured} lowered so that the clients fit the process's open-file limit: a relayed
     * client holds two descriptors (client and destination socket), and a reserve is kept for the
     * JVM, the listeners, management sessions and the accept of a connection refused for the limit.
     * Without it the limit is reached inside accept(2), where Pekko's listener retries in a busy
     * loop (a core at 100 %) and new clients wait in the backlog instead of being refused at once.
     *
     * @param configured the configured maximum, 0 for none
     * @param fdLimit the open-file limit, or a negative value when unknown
     */
    public static int fitToDescriptors(int configured, long fdLimit) {
        if (fdLimit <= 0) {
            return configured;
        }
        long reserve = FD_RESERVE + fdLimit / FD_RESERVE_FRACTION;
        int fit = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (fdLimit - reserve) / FDS_PER_CLIENT));
        return configured == 0 ? fit : Math.min(configured, fit);
    }

    /** Takes a slot for a new connection, or returns {@code false} if the limit is reached. */
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

    public void close() {
        if (open.decrementAndGet() == 0 && draining) {
            drained.complete(null);
        }
    }

    /** The enforced maximum, 0 for none. */
    public int max() {
        return max;
    }

    public int open() {
        return open.get();
    }

    /** Completes when no connection is open; call after the listener stopped accepting. */
    public CompletionStage<Void> drain() {
        draining = true;
        if (open.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }
}
