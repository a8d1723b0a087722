package socks5d.management.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-user limits of the SOCKS data plane (docs/operations.md, Limits): how many sessions a user
 * has open, against its session limit, and the bandwidth buckets all of the user's sessions share,
 * one for each direction ({@link TokenBucket}, {@code bandwidth} bytes a second with a burst of
 * {@code burst} bytes). A user's entry lives while it has a session open; a change of its limits
 * applies to sessions started after it (the buckets are replaced when the rate changes).
 *
 * <p>One instance is owned by the server and called from every event loop. Thread-safe without a
 * shared lock: entries change only inside {@code compute} on their user's name; the buckets are
 * lock-free.
 */
public final class UserSessions {
    /** A session's grant: the buckets it draws on, up (client to destination) and down, or none. */
    public record Grant(TokenBucket up, TokenBucket down) {
        public boolean shaped() {
            return up != null;
        }
    }

    /** Admitted without shaping. */
    public static final Grant UNSHAPED = new Grant(null, null);

    private static final class State {
        int sessions;
        TokenBucket up;
        TokenBucket down;
    }

    private final long burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, State> users = new ConcurrentHashMap<>();

    /**
     * @param burst    bytes a user's bucket holds when full (at least 1)
     * @param nanoTime a monotonic clock in nanoseconds
     */
    public UserSessions(long burst, LongSupplier nanoTime) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1 byte");
        }
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /**
     * Opens a session of {@code user} if it has fewer than {@code maxSessions} open (0: no limit):
     * returns its grant, or null when refused (nothing counted then). An opened session must be
     * {@link #close}d exactly once.
     *
     * @param bandwidth bytes a second in each direction shared by the user's sessions, 0 for no limit
     */
    public Grant tryOpen(String user, int maxSessions, long bandwidth) {
        Grant[] grant = {null};
        users.compute(user, (k, s) -> {
            if (s == null) {
                s = new State();
            }
            if (maxSessions > 0 && s.sessions >= maxSessions) {
                return s.sessions == 0 ? null : s;
            }
            s.sessions++;
            if (bandwidth > 0) {
                if (s.up == null || s.up.rate() != bandwidth) {
                    s.up = new TokenBucket(bandwidth, burst, nanoTime);
                    s.down = new TokenBucket(bandwidth, burst, nanoTime);
                }
                grant[0] = new Grant(s.up, s.down);
            } else {
                grant[0] = UNSHAPED;
            }
            return s;
        });
        return grant[0];
    }

    /** A session {@link #tryOpen} admitted for {@code user} ended. */
    public void close(String user) {
        users.computeIfPresent(user, (k, s) -> --s.sessions <= 0 ? null : s);
    }

    /** Sessions {@code user} has open now. */
    public int sessions(String user) {
        State s = users.get(user);
        return s == null ? 0 : s.sessions;
    }
}
