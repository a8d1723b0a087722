package socks5d.management.users;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The clock that stamps a cluster node's user changes (docs/design.md, Cluster): each stamp is
 * {@code max(now, last + 1)} milliseconds with the node's address as origin, where {@code last} is
 * the latest stamp time this node gave or saw. So a node's stamps keep increasing even if its wall
 * clock steps back, and a change made after seeing another node's change is stamped later than it.
 * Confined to the user directory's actor.
 */
final class HybridClock {
    private final String origin;
    private final LongSupplier millis;
    private long last;

    /**
     * @param origin the node's cluster address, written into every stamp
     * @param millis the wall clock in milliseconds ({@code System::currentTimeMillis}; a fake in tests)
     */
    HybridClock(String origin, LongSupplier millis) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.millis = millis;
    }

    /** The stamp of a change made now. */
    UserRecord.Stamp next() {
        last = Math.max(millis.getAsLong(), last + 1);
        return new UserRecord.Stamp(last, origin);
    }

    /** Moves the clock past {@code seen} (a stamp loaded from disk or applied from another node). */
    void observe(UserRecord.Stamp seen) {
        last = Math.max(last, seen.time());
    }
}
