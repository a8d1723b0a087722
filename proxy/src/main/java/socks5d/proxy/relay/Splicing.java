package socks5d.proxy.relay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One event loop's splicing (docs/design.md, Splicing): when its relayed sessions move from copying
 * to splice(2) ({@code socks5d.proxy.relay.splice-after}), where the descriptors of their pipes come
 * from, and the sessions spliced now, which {@link #closeAll} ends when the server stops: they are off
 * Netty's registration, so Netty's own shutdown does not close them. Confined to its event loop
 * (the descriptor budget is thread-safe).
 */
public final class Splicing {
    /** A budget of open descriptors; thread-safe. */
    public interface Descriptors {
        /** Takes {@code n} descriptors, or returns {@code false} if the budget has not that many left. */
        boolean tryTake(int n);

        /** Gives back {@code n} descriptors taken with {@link #tryTake}. */
        void giveBack(int n);
    }

    private final long after;
    private final Descriptors descriptors;
    private final Set<Splice> open = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param after       bytes a session relays, both directions together, before it is spliced
     * @param descriptors the server's descriptor budget, which the pipes' descriptors are taken from
     */
    public Splicing(long after, Descriptors descriptors) {
        if (after < 1) {
            throw new IllegalArgumentException("splice-after must be at least 1 byte");
        }
        this.after = after;
        this.descriptors = descriptors;
    }

    long after() {
        return after;
    }

    Descriptors descriptors() {
        return descriptors;
    }

    void opened(Splice splice) {
        open.add(splice);
    }

    void closed(Splice splice) {
        open.remove(splice);
    }

    /** Ends every spliced session of this loop, both sockets closed; call on the loop. */
    public void closeAll() {
        for (Splice s : new ArrayList<>(open)) {
            s.abort();
        }
    }
}
