package socks5d.management.admission;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the connections of one listener open right now, so that its accept loop can enforce a
 * limit without a round trip to an actor on every accept (SOCKS {@code max-clients}, the
 * management listeners' {@code max-connections}), and so that shutdown can wait for the last
 * session. The metrics actor keeps the reported figures; this gauge is only admission control.
 * Lock-free; safe from any thread.
 */
public final class ConnectionGauge {
    /** Descriptors a relayed client holds: its own socket and the destination's. */
    public static final int FDS_PER_CLIENT = 2;
    /** Descriptors kept back for everything but SOCKS clients (the JVM alone opens about 30). */
    static final int FD_RESERVE = 64;
    /** Plus this fraction of the limit, for management sessions and refused accepts under load. */
    static final int FD_RESERVE_FRACTION = 32;

    private final int max;
    private final long descriptorBudget;
    /** Clients in the upper 32 bits, descriptors in the lower 32: one CAS keeps them consistent. */
    private final AtomicLong state = new AtomicLong();
    /** The most clients open at once so far. */
    private final AtomicLong peak = new AtomicLong();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /** @param max most connections at once; 0 means no limit */
    public ConnectionGauge(int max) {
        this(max, 0);
    }

    /**
     * @param max              most clients at once; 0 means no limit
     * @param descriptorBudget most descriptors the clients may hold: one for a client's own socket,
     *                         one more for its destination ({@link #tryReserveOutbound}); 0 means no limit
     */
    public ConnectionGauge(int max, long descriptorBudget) {
        this.max = max;
        this.descriptorBudget = descriptorBudget;
    }

    /**
     * The descriptors clients may hold under the process's open-file limit, keeping a reserve for the
     * JVM, the listeners, management sessions and the accept of a connection refused for the limit.
     * Without it the limit is reached inside accept(2), where Pekko's listener retries in a busy
     * loop (a core at 100 %) and new clients wait in the backlog instead of being refused at once.
     *
     * @param fdLimit the open-file limit, or a negative value when unknown
     * @return the budget, 0 (no limit) when the limit is unknown
     */
    public static long descriptorBudget(long fdLimit) {
        if (fdLimit <= 0) {
            return 0;
        }
        return Math.max(FDS_PER_CLIENT, fdLimit - FD_RESERVE - fdLimit / FD_RESERVE_FRACTION);
    }

    /**
     * Takes a slot and a descriptor for a new connection, or returns {@code false} if either limit is
     * reached. A client still negotiating holds one descriptor, so stalled clients cost half of
     * relayed ones.
     */
    public boolean tryOpen() {
        while (true) {
            long now = state.get();
            int clients = (int) (now >>> 32);
            long fds = now & 0xFFFF_FFFFL;
            if (max > 0 && clients >= max || descriptorBudget > 0 && fds + 1 > descriptorBudget) {
                return false;
            }
            if (state.compareAndSet(now, now + (1L << 32) + 1)) {
                peak.accumulateAndGet(clients + 1L, Math::max);
                return true;
            }
        }
    }

    /** Takes the descriptor of an open client's outbound socket, or returns {@code false} if none is left. */
    public boolean tryReserveOutbound() {
        while (true) {
            long now = state.get();
            if (descriptorBudget > 0 && (now & 0xFFFF_FFFFL) + 1 > descriptorBudget) {
                return false;
            }
            if (state.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Returns an outbound descriptor taken with {@link #tryReserveOutbound}. */
    public void releaseOutbound() {
        state.addAndGet(-1);
    }

    /** Releases a client's slot and its own descriptor. */
    public void close() {
        long now = state.addAndGet(-(1L << 32) - 1);
        if (now >>> 32 == 0 && draining) {
            drained.complete(null);
        }
    }

    /** The enforced maximum of clients, 0 for none. */
    public int max() {
        return max;
    }

    /** The enforced budget of descriptors, 0 for none. */
    public long descriptorBudget() {
        return descriptorBudget;
    }

    /** The most clients that were open at once since start. */
    public long peak() {
        return peak.get();
    }

    public int open() {
        return (int) (state.get() >>> 32);
    }

    /** Completes when no connection is open; call after the listener stopped accepting. */
    public CompletionStage<Void> drain() {
        draining = true;
        if (open() == 0) {
            drained.complete(null);
        }
        return drained;
    }
}
