package socks5d.proxy.server;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.management.UnixOperatingSystemMXBean;

import socks5d.proxy.ProxySettings;
import socks5d.proxy.relay.RelayMemory;

/**
 * Admission of SOCKS clients (docs/design.md, Admission; docs/operations.md, Large loads): counts the
 * clients open right now against {@code max-clients}, and the descriptors they hold against a budget
 * under the process's open-file limit, so that the accept path can refuse at once without a round trip
 * to an actor, and so that shutdown can wait for the last session. The metrics actor keeps the reported
 * figures; this is only admission control. Lock-free; safe from any thread.
 */
public final class SocksAdmission {
    private static final Logger log = LoggerFactory.getLogger(SocksAdmission.class);
    /** Descriptors a relayed client holds: its own socket and the destination's. */
    public static final int FDS_PER_CLIENT = 2;
    /** Descriptors kept back for everything but SOCKS clients (the JVM alone opens about 30). */
    static final int FD_RESERVE = 64;
    /** Plus this fraction of the limit, for management sessions and refused accepts under load. */
    static final int FD_RESERVE_FRACTION = 32;
    /** Spare descriptors ({@link #tryReserveSpare}) are taken only while use stays within 1/this of the budget. */
    static final int SPARE_SHARE = 4;

    private final int maxClients;
    private final long descriptorBudget;
    /** Clients in the upper 32 bits, descriptors in the lower 32: one CAS keeps them consistent. */
    private final AtomicLong state = new AtomicLong();
    /** The most clients open at once so far. */
    private final AtomicLong peak = new AtomicLong();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /**
     * @param maxClients       most clients at once; 0 means no limit
     * @param descriptorBudget most descriptors the clients may hold: one for a client's own socket,
     *                         one more for its destination ({@link #tryReserveOutbound}); 0 means no limit
     */
    SocksAdmission(int maxClients, long descriptorBudget) {
        this.maxClients = maxClients;
        this.descriptorBudget = descriptorBudget;
    }

    /**
     * The admission of this process: {@code max-clients} and the descriptor budget of its open-file
     * limit. Warns at start when the open-file limit or the direct memory limit ({@code memory}) serve
     * fewer relayed clients than {@code max-clients} asks for.
     */
    static SocksAdmission forThisProcess(ProxySettings settings, RelayMemory memory) {
        long fdLimit = openFileLimit();
        SocksAdmission admission = new SocksAdmission(settings.maxClients(), descriptorBudget(fdLimit));
        long relayedFit = admission.descriptorBudget / FDS_PER_CLIENT;
        if (admission.descriptorBudget > 0 && (settings.maxClients() == 0 || settings.maxClients() > relayedFit)) {
            log.warn("The open-file limit [{}] leaves descriptors for [{}] relayed clients (two each; a client"
                    + " still negotiating holds one), below max-clients [{}]; clients beyond it are refused at"
                    + " once; raise `ulimit -n` to serve more", fdLimit, relayedFit, settings.maxClients());
        }
        long wanted = Math.min(settings.maxClients() == 0 ? Long.MAX_VALUE : settings.maxClients(),
                admission.descriptorBudget > 0 ? relayedFit : Long.MAX_VALUE);
        if (memory.maxSessions() < wanted) {
            log.warn("The direct memory limit [{} MiB] leaves room for [{}] relayed clients (each may hold one"
                    + " [{} KiB] read per direction beyond the relay memory budget); CONNECTs beyond it get reply"
                    + " 0x01; raise -XX:MaxDirectMemorySize to serve more", RelayMemory.maxDirectMemory() >> 20,
                    memory.maxSessions(), settings.readSize() >> 10);
        }
        return admission;
    }

    /** RLIMIT_NOFILE of this process as the JVM sees it (it raises the soft limit to the hard one), or -1. */
    private static long openFileLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /**
     * The descriptors clients may hold under the process's open-file limit, keeping a reserve for the
     * JVM, the listeners, management sessions and the accept of a connection refused for the limit.
     * Without it the limit is reached inside accept(2), where the listener retries in a busy loop
     * (a core at 100 %) and new clients wait in the backlog instead of being refused at once.
     *
     * @param fdLimit the open-file limit, or a negative value when unknown
     * @return the budget, 0 (no limit) when the limit is unknown
     */
    static long descriptorBudget(long fdLimit) {
        if (fdLimit <= 0) {
            return 0;
        }
        return Math.max(FDS_PER_CLIENT, fdLimit - FD_RESERVE - fdLimit / FD_RESERVE_FRACTION);
    }

    /**
     * Takes a slot and a descriptor for a new client, or returns {@code false} if either limit is
     * reached. A client still negotiating holds one descriptor, so stalled clients cost half of
     * relayed ones.
     */
    boolean tryOpen() {
        while (true) {
            long now = state.get();
            int clients = (int) (now >>> 32);
            long fds = now & 0xFFFF_FFFFL;
            if (maxClients > 0 && clients >= maxClients || descriptorBudget > 0 && fds + 1 > descriptorBudget) {
                return false;
            }
            if (state.compareAndSet(now, now + (1L << 32) + 1)) {
                peak.accumulateAndGet(clients + 1L, Math::max);
                return true;
            }
        }
    }

    /** Takes the descriptor of an open client's outbound socket, or returns {@code false} if none is left. */
    boolean tryReserveOutbound() {
        return tryTake(1, descriptorBudget);
    }

    /** Returns an outbound descriptor taken with {@link #tryReserveOutbound}. */
    void releaseOutbound() {
        release(1);
    }

    /**
     * Takes {@code n} descriptors that a session can do without (a spliced session's pipes: without
     * them it keeps copying), only while the descriptors in use, these included, stay within a
     * quarter of the budget: on a server near its descriptor limit no new session is spliced, so
     * pipes can take at most a sixth of the budget (a quarter, of which each spliced session's two
     * sockets are a third) from the clients it admits.
     */
    boolean tryReserveSpare(int n) {
        return tryTake(n, descriptorBudget / SPARE_SHARE);
    }

    /** Takes {@code n} descriptors if the descriptors in use stay within {@code limit} (none when there is no budget). */
    private boolean tryTake(int n, long limit) {
        while (true) {
            long now = state.get();
            if (descriptorBudget > 0 && (now & 0xFFFF_FFFFL) + n > limit) {
                return false;
            }
            if (state.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    /** Returns {@code n} descriptors taken with {@link #tryReserveSpare}. */
    void release(int n) {
        state.addAndGet(-n);
    }

    /** Releases a client's slot and its own descriptor. */
    void close() {
        long now = state.addAndGet(-(1L << 32) - 1);
        if (now >>> 32 == 0 && draining) {
            drained.complete(null);
        }
    }

    /** The enforced budget of descriptors, 0 for none. */
    long descriptorBudget() {
        return descriptorBudget;
    }

    /** The most clients that were open at once since start. */
    long peak() {
        return peak.get();
    }

    /** The clients open now. */
    int open() {
        return (int) (state.get() >>> 32);
    }

    /** Completes when no client is open; call after the listener stopped accepting. */
    CompletionStage<Void> drain() {
        draining = true;
        if (open() == 0) {
            drained.complete(null);
        }
        return drained;
    }
}
