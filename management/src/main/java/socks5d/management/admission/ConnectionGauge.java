package socks5d.management.admission;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

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

    /**
     * Serves a connection with {@code flow} if a slot is free, releasing the slot when the flow
     * ends; otherwise closes it at once. Returns whether it was admitted.
     */
    public <M> boolean admit(Tcp.IncomingConnection connection, Flow<ByteString, ByteString, M> flow,
                             ClassicActorSystemProvider system) {
        if (!tryOpen()) {
            connection.handleWith(REFUSE, system);
            return false;
        }
        // The stage is released on the completing thread: a plain whenComplete on Pekko's Java
        // futures would start a thread per connection on a 2-core machine.
        connection.handleWith(flow.watchTermination((mat, done) -> {
            done.whenCompleteAsync((d, failure) -> close(), Runnable::run);
            return mat;
        }), system);
        return true;
    }

    /** Closes a connection at once: nothing read, nothing written. */
    public static final Flow<ByteString, ByteString, NotUsed> REFUSE =
            Flow.fromSinkAndSource(Sink.cancelled(), Source.empty());
}
