package socks5d.management.limits;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

/**
 * Slows and then stops password guessing from one client address (docs/operations.md, Limits),
 * across all of its connections; one instance serves one login port (SOCKS, MASS or PCTP). The
 * first {@code free-failures} consecutive failures of an address are answered at once; each later
 * one is answered after {@code delay}, doubled per failure up to {@code max-delay}; at
 * {@code block-after} failures the address is refused at once (no password check at all) for
 * {@code block-for}, and a WARN names it, once per window, never with a password. After the window
 * the count starts again. A successful login, or {@code forget-after} without a failure, clears it.
 * IPv6 addresses count by /64 ({@link AddressKey}). At most {@code max-addresses} are remembered:
 * beyond, addresses whose state has expired are dropped, and while none has, a new address is not
 * tracked (the global bound on password checks still holds).
 *
 * <p>Thread-safe without a shared lock: one {@link ConcurrentHashMap}, each address changed
 * atomically by {@code compute} (which holds only that entry's bin for a few arithmetic steps). The
 * clock is passed in, so tests drive it.
 */
public final class LoginThrottle {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    /** The least time between two sweeps of expired addresses while the table is full. */
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    /** The policy; durations in nanoseconds are derived once. */
    public record Settings(int freeFailures, Duration delay, Duration maxDelay, int blockAfter, Duration blockFor,
                           Duration forgetAfter, int maxAddresses, boolean exemptLoopback) {
        public Settings {
            if (freeFailures < 0 || blockAfter < 0 || maxAddresses < 1) {
                throw new IllegalArgumentException("socks5d.management.login-throttle: free-failures and block-after"
                        + " must be 0 or more, max-addresses at least 1");
            }
            if (delay.isNegative() || maxDelay.isNegative() || blockFor.isNegative() || forgetAfter.isNegative()) {
                throw new IllegalArgumentException("socks5d.management.login-throttle: durations must be 0 or more");
            }
        }

        /** The defaults of reference.conf. */
        public static final Settings DEFAULT = new Settings(3, Duration.ofMillis(200), Duration.ofSeconds(3), 10,
                Duration.ofMinutes(5), Duration.ofMinutes(15), 65_536, false);

        /** Reads {@code socks5d.management.login-throttle} of {@code root}. */
        public static Settings fromConfig(Config root) {
            Config c = root.getConfig("socks5d.management.login-throttle");
            return new Settings(c.getInt("free-failures"), c.getDuration("delay"), c.getDuration("max-delay"),
                    c.getInt("block-after"), c.getDuration("block-for"), c.getDuration("forget-after"),
                    c.getInt("max-addresses"), c.getBoolean("exempt-loopback"));
        }

        /** Whether the throttle does anything at all (block-after 0 and no delay: off). */
        boolean enabled() {
            return blockAfter > 0 || (!delay.isZero() && !maxDelay.isZero());
        }
    }

    /** What a login from an address may do before its password is checked. */
    public enum Admission {
        /** Check the password. */
        CHECK,
        /** The address is blocked: refuse at once, without checking the password. */
        REFUSE
    }

    private static final class Entry {
        // Changed only inside compute; volatile for admit and the sweep, which read without it.
        volatile int failures;
        volatile long lastFailure;
        /** While blocked: the end of the block (nanoTime); 0 when not blocked. */
        volatile long blockedUntil;
    }

    private final String port;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<AddressKey, Entry> table = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    /**
     * @param port     the login port's name for the WARN (SOCKS, MASS, PCTP)
     * @param nanoTime a monotonic clock in nanoseconds
     */
    public LoginThrottle(String port, Settings settings, LongSupplier nanoTime) {
        this.port = port;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.lastSweep = new AtomicLong(nanoTime.getAsLong());
    }

    private boolean exempt(InetAddress client) {
        return !settings.enabled() || (settings.exemptLoopback() && client.isLoopbackAddress());
    }

    /** Before a password check: whether {@code client} may have its password checked now. */
    public Admission admit(InetAddress client) {
        if (exempt(client)) {
            return Admission.CHECK;
        }
        Entry e = table.get(AddressKey.of(client));
        if (e == null) {
            return Admission.CHECK;
        }
        long now = nanoTime.getAsLong();
        // A stale read only lets one more check through or refuses one more: both harmless.
        long until = e.blockedUntil;
        return until != 0 && until - now > 0 ? Admission.REFUSE : Admission.CHECK;
    }

    /**
     * A login from {@code client} failed: returns how long to hold back the failure reply, in
     * nanoseconds (0: at once). The failure that reaches {@code block-after} blocks the address.
     */
    public long failed(InetAddress client) {
        if (exempt(client)) {
            return 0;
        }
        AddressKey key = AddressKey.of(client);
        long now = nanoTime.getAsLong();
        if (!table.containsKey(key) && table.size() >= settings.maxAddresses() && !sweep(now)) {
            return 0;
        }
        long[] delay = {0};
        boolean[] blocked = {false};
        int[] count = {0};
        table.compute(key, (k, e) -> {
            if (e == null) {
                e = new Entry();
            } else if (e.blockedUntil != 0 && e.blockedUntil - now <= 0
                    || e.lastFailure != 0 && now - e.lastFailure > settings.forgetAfter().toNanos()) {
                // The block is over, or the address was quiet long enough: it starts again.
                e.failures = 0;
                e.blockedUntil = 0;
            }
            if (e.blockedUntil != 0) {
                delay[0] = 0; // still blocked: refused at once by admit, nothing more to count
                return e;
            }
            e.failures++;
            e.lastFailure = now;
            count[0] = e.failures;
            if (settings.blockAfter() > 0 && e.failures >= settings.blockAfter()) {
                e.blockedUntil = now + Math.max(1, settings.blockFor().toNanos());
                blocked[0] = true;
            }
            delay[0] = delayAfter(e.failures);
            return e;
        });
        if (blocked[0]) {
            log.warn("{} logins from [{}] failed [{}] times in a row: refusing its logins for [{}] s", port, key,
                    count[0], settings.blockFor().toSeconds());
        }
        return delay[0];
    }

    /** A login from {@code client} succeeded: its failures are forgotten. */
    public void succeeded(InetAddress client) {
        if (!exempt(client) && !table.isEmpty()) {
            table.remove(AddressKey.of(client));
        }
    }

    /** Addresses remembered now (tests, and the bound on memory). */
    public int size() {
        return table.size();
    }

    /** The hold-back of the {@code failures}-th consecutive failure. */
    long delayAfter(int failures) {
        int over = failures - settings.freeFailures();
        if (over <= 0 || settings.delay().isZero()) {
            return 0;
        }
        long max = settings.maxDelay().toNanos();
        long d = settings.delay().toNanos();
        for (int i = 1; i < over && d < max; i++) {
            d *= 2;
        }
        return Math.min(d, max);
    }

    /** Drops expired addresses, at most once a second; returns whether the table has room now. */
    private boolean sweep(long now) {
        long last = lastSweep.get();
        if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
            long forget = settings.forgetAfter().toNanos();
            table.entrySet().removeIf(x -> {
                Entry e = x.getValue();
                long until = e.blockedUntil;
                return until != 0 ? until - now <= 0 : now - e.lastFailure > forget;
            });
        }
        return table.size() < settings.maxAddresses();
    }
}
