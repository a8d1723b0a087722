package socks5d.proxy.relay;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all relays together hold in user space (read from one side, not yet written to the other),
 * against one budget ({@code socks5d.proxy.relay-memory}). A session reads again only while the total
 * is under the budget; otherwise it waits until another session's bytes are written. So many slow
 * readers (or writers) cannot fill the heap: the rest waits in the kernel's socket buffers, where TCP
 * flow control slows the sender.
 *
 * <p>Thread-safe and lock-free: sessions run on any dispatcher thread. A waiting session is woken
 * through its own {@link Runnable} (an async callback into its stage), called from the thread that
 * released the bytes.
 */
public final class RelayMemory {
    private final long budget;
    private final long maxSessions;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    /**
     * @param budget      bytes all relays may hold in the heap
     * @param maxSessions relayed sessions at most (0: no limit): each of its two sockets may pin one
     *                    direct buffer while a write to it cannot complete, so the JVM's direct memory
     *                    limit bounds how many sessions can be relayed safely ({@link #sessionsFor})
     */
    public RelayMemory(long budget, long maxSessions) {
        if (budget <= 0) {
            throw new IllegalArgumentException("relay memory budget must be positive, was " + budget);
        }
        this.budget = budget;
        this.maxSessions = maxSessions;
    }

    /**
     * Relayed sessions that fit {@code maxDirectMemory} when every socket of every session pins one
     * direct buffer of {@code directBufferSize} (a stalled reader on each side), less an eighth for the
     * reads in progress and the pool.
     */
    public static long sessionsFor(long maxDirectMemory, long directBufferSize) {
        return Math.max(1, (maxDirectMemory - maxDirectMemory / 8) / (2 * directBufferSize));
    }

    /** -XX:MaxDirectMemorySize, or the maximum heap when it is not set (the JVM's default). */
    public static long maxDirectMemory() {
        try {
            var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            return set > 0 ? set : Runtime.getRuntime().maxMemory();
        } catch (RuntimeException notHotSpot) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /** Relayed sessions now. */
    public long sessions() {
        return sessions.get();
    }

    public long maxSessions() {
        return maxSessions;
    }

    /** Takes a relayed session's place, or returns {@code false} when the direct memory has no room for it. */
    public boolean tryStartSession() {
        if (maxSessions <= 0) {
            sessions.incrementAndGet();
            return true;
        }
        while (true) {
            long now = sessions.get();
            if (now >= maxSessions) {
                return false;
            }
            if (sessions.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place taken with {@link #tryStartSession}. */
    public void endSession() {
        sessions.decrementAndGet();
    }

    public long budget() {
        return budget;
    }

    /** Bytes held by all sessions now. */
    public long held() {
        return held.get();
    }

    /** Whether a session may read more now. */
    public boolean hasRoom() {
        return held.get() < budget;
    }

    /** A session read {@code bytes} it now holds. */
    public void take(long bytes) {
        held.addAndGet(bytes);
    }

    /** A session wrote (or dropped) {@code bytes} it held. */
    public void release(long bytes) {
        if (bytes != 0 && held.addAndGet(-bytes) < budget && !waiting.isEmpty()) {
            wakeWaiting();
        }
    }

    /**
     * Calls {@code wake} once, as soon as there is room (at once if there is room now). A woken session
     * that finds the budget full again simply waits again.
     */
    public void awaitRoom(Runnable wake) {
        waiting.add(wake);
        if (hasRoom()) {
            wakeWaiting();
        }
    }

    private void wakeWaiting() {
        Runnable next;
        while (hasRoom() && (next = waiting.poll()) != null) {
            next.run();
        }
    }
}
