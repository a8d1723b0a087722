package socks5d.management.users;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The user directory's changes in arrival order. A change may arrive before it is ready (an add whose
 * password is still being hashed): it takes its place at once ({@link #reserve}) and is filled in
 * later ({@link #fill}), whatever order the hashes finish in. {@link #takeReady} hands out the ready
 * changes at the head, so changes are applied in the order they arrived and a ready change waits for
 * every earlier one. Confined to the directory's actor.
 *
 * @param <T> a change
 */
final class ChangeQueue<T> {
    private static final class Slot<T> {
        final long seq;
        T change;

        Slot(long seq, T change) {
            this.seq = seq;
            this.change = change;
        }
    }

    private final ArrayDeque<Slot<T>> slots = new ArrayDeque<>();
    private long nextSeq;

    /** Appends a change that is ready now. */
    void add(T change) {
        slots.add(new Slot<>(nextSeq++, change));
    }

    /** Appends a place for a change that is not ready yet; returns its number for {@link #fill}. */
    long reserve() {
        long seq = nextSeq++;
        slots.add(new Slot<>(seq, null));
        return seq;
    }

    /** Makes the change reserved as {@code seq} ready; an unknown number is ignored. */
    void fill(long seq, T change) {
        for (Slot<T> s : slots) {
            if (s.seq == seq) {
                s.change = change;
                return;
            }
        }
    }

    boolean hasReady() {
        return !slots.isEmpty() && slots.peek().change != null;
    }

    /** Removes and returns the ready changes at the head, in arrival order (empty if the head is not ready). */
    List<T> takeReady() {
        List<T> ready = new ArrayList<>();
        while (hasReady()) {
            ready.add(slots.poll().change);
        }
        return ready;
    }
}
