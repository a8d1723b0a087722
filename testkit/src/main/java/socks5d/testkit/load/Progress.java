package socks5d.testkit.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress lines while a scenario runs: every {@link #PERIOD_SECONDS} a line with what is done so far.
 *
 * <p>Owns one daemon timer thread. Threading: {@link #add} from any load thread (an atomic counter);
 * begin/end from the benchmark thread.
 */
final class Progress implements AutoCloseable {
    static final long PERIOD_SECONDS = 2;

    private final PrintStream out;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong done = new AtomicLong();
    private volatile String label = "";
    private volatile long total;
    private volatile String unit = "";
    private volatile long startNanos;
    private ScheduledFuture<?> task;

    Progress(PrintStream out) {
        this.out = out;
    }

    /** Starts reporting a phase of {@code total} {@code unit}s. */
    synchronized void begin(String phase, long phaseTotal, String phaseUnit) {
        end();
        label = phase;
        total = phaseTotal;
        unit = phaseUnit;
        done.set(0);
        startNanos = System.nanoTime();
        out.printf(Locale.ROOT, "  .. %s%n", phase);
        task = timer.scheduleAtFixedRate(this::print, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** A line of its own between phases, e.g. what a warm-up found. */
    synchronized void note(String text) {
        out.printf(Locale.ROOT, "  .. %s%n", text);
    }

    void add(long n) {
        done.addAndGet(n);
    }

    long done() {
        return done.get();
    }

    synchronized void end() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void print() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "  .. %s: %,d / %,d %s after %.1f s%n", label, done.get(), total, unit, secs);
    }

    @Override
    public void close() {
        end();
        timer.shutdownNow();
    }
}
