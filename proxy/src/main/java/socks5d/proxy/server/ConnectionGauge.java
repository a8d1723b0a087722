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
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /** @param max most connections at once; 0 means no limit */
    public ConnectionGauge(int max) {
        this.max = max;
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
