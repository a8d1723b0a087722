package socks5d.testkit.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU time a proxy under test has used, read from Linux's {@code /proc/<pid>/stat}, and the per-unit
 * figures the benchmark prints beside throughput and connection rate: CPU seconds per GB (10^9 bytes)
 * for T1 and T8, milliseconds of CPU per transaction for C.
 *
 * <p>For a process this is utime + stime (every thread, including threads that have exited) plus cutime +
 * cstime, the CPU of the children it has already waited for. Summed over the process and its live
 * descendants, each process's CPU is then counted once whether it is still running at the sample or has
 * exited and been reaped in between (Dante's mother reaps the children it forks as clients come and go).
 * A child that has exited but is not reaped yet at a sample is missing from that sample. The kernel counts
 * in clock ticks (10 ms at the usual USER_HZ of 100), so phases of well under a second, as at
 * {@code --scale 0.05}, give coarse figures.
 *
 * <p>Stateless apart from the clock tick rate, read once; safe from any thread.
 */
final class CpuTime {
    private static final Logger log = LoggerFactory.getLogger(CpuTime.class);
    /** Metrics key: the proxy's CPU over the scenario's measured phase, seconds. */
    static final String CPU_SECONDS = "proxyCpuSeconds";
    /** Metrics key: the part of {@link #CPU_SECONDS} the proxy's JIT compiler threads used, seconds. */
    static final String COMPILER_SECONDS = "proxyCompilerCpuSeconds";
    /** Metrics key for T1 and T8: {@link #CPU_SECONDS} per 10^9 bytes relayed. */
    static final String CPU_SECONDS_PER_GB = "cpuSecondsPerGB";
    /** Metrics key for C: {@link #CPU_SECONDS} in milliseconds per completed transaction. */
    static final String CPU_MS_PER_TX = "cpuMsPerTx";
    /** USER_HZ when {@code getconf CLK_TCK} cannot tell: the value on every common Linux architecture. */
    static final long DEFAULT_TICKS_PER_SECOND = 100;
    /** /proc/<pid>/stat fields 14-17 (utime, stime, cutime, cstime), as indexes from field 3 (state). */
    private static final int FIRST_TIME_FIELD = 14 - 3;
    private static final int TIME_FIELDS = 4;
    /** /proc/stat's cpu line: user nice system idle iowait irq softirq steal (guest time is in user already). */
    private static final int MACHINE_FIELDS = 8;
    private static final int IDLE_FIELD = 4;
    private static final int IOWAIT_FIELD = 5;
    /** utime and stime only: the process's own threads. */
    private static final int OWN_TIME_FIELDS = 2;
    private static final long GETCONF_SECONDS = 5;
    private static final double BYTES_PER_GB = 1e9;
    private static final double MILLIS_PER_SECOND = 1e3;
    private static volatile long ticksPerSecond;

    private CpuTime() {
    }

    /**
     * CPU used so far by {@code root} and its live descendants; empty when {@code root}'s stat cannot be
     * read (not Linux, or the process has gone). A descendant that exits between listing and reading is
     * skipped.
     */
    static Optional<Duration> of(ProcessHandle root) {
        return ticks(root.pid()).map(own -> root.descendants()
                .map(d -> ticks(d.pid()))
                .flatMap(Optional::stream)
                .reduce(own, Long::sum))
                .map(t -> toDuration(t, ticksPerSecond()));
    }

    /**
     * CPU used so far by {@code process} itself, every thread of it, and nothing else: neither its live
     * descendants nor the children it has reaped (utime + stime). The load generator reads its own CPU with
     * this, because the proxies it measures are its children and {@link #of} would count them too.
     */
    static Optional<Duration> ownOf(ProcessHandle process) {
        return ticks(process.pid(), CpuTime::parseOwnTicks).map(t -> toDuration(t, ticksPerSecond()));
    }

    /**
     * The whole machine's CPU time so far from the first line of {@code /proc/stat}, in clock ticks summed
     * over all cores: {@code [busy, idle]} (idle includes iowait; steal counts as busy); empty where it
     * cannot be read.
     */
    static Optional<long[]> machine() {
        try (var lines = Files.lines(Path.of("/proc/stat"), StandardCharsets.ISO_8859_1)) {
            return lines.findFirst().flatMap(CpuTime::parseMachine);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** {@code [busy, idle]} ticks from the {@code cpu} line of {@code /proc/stat}; empty when it is not one. */
    static Optional<long[]> parseMachine(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (f.length < MACHINE_FIELDS + 1 || !"cpu".equals(f[0])) {
            return Optional.empty();
        }
        try {
            long busy = 0;
            long idle = 0;
            for (int i = 1; i <= MACHINE_FIELDS; i++) {
                long v = Long.parseLong(f[i]);
                if (i == IDLE_FIELD || i == IOWAIT_FIELD) {
                    idle += v;
                } else {
                    busy += v;
                }
            }
            return Optional.of(new long[] {busy, idle});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * CPU used so far by the JIT compiler threads of the JVM {@code root} ({@code C1 CompilerThread*},
     * {@code C2 CompilerThread*}, read from {@code /proc/<pid>/task/<tid>/stat}); zero for a process
     * that has none (a proxy written in C), empty when {@code root}'s tasks cannot be listed. A
     * compiler thread the JVM has stopped since (it starts and stops them with the compile queue) no
     * longer counts, so over an interval this can only undercount.
     */
    static Optional<Duration> compilerOf(ProcessHandle root) {
        Path tasks = Path.of("/proc", Long.toString(root.pid()), "task");
        try (var list = Files.list(tasks)) {
            long sum = 0;
            for (Path task : (Iterable<Path>) list::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
                } catch (IOException | UncheckedIOException gone) {
                    continue;
                }
                sum += compilerTicks(stat).orElse(0L);
            }
            return Optional.of(toDuration(sum, ticksPerSecond()));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * A task's own CPU (utime + stime, ticks) when its {@code stat} text names a compiler thread, else
     * empty. Not cutime and cstime: in a task's {@code stat} those are its whole process's reaped
     * children (for the load generator, every proxy it has stopped), the same in every thread.
     */
    static Optional<Long> compilerTicks(String taskStat) {
        return isCompilerThread(taskStat) ? parseOwnTicks(taskStat) : Optional.empty();
    }

    /** Whether a task's {@code stat} text names a HotSpot JIT compiler thread (the name is cut at 15 characters). */
    static boolean isCompilerThread(String stat) {
        int open = stat.indexOf('(');
        return open >= 0 && (stat.startsWith("C1 CompilerThre", open + 1) || stat.startsWith("C2 CompilerThre", open + 1));
    }

    private static Optional<Long> ticks(long pid) {
        return ticks(pid, CpuTime::parseStatTicks);
    }

    private static Optional<Long> ticks(long pid, Function<String, Optional<Long>> parse) {
        try {
            return parse.apply(Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                    StandardCharsets.ISO_8859_1));
        } catch (IOException | UncheckedIOException gone) {
            return Optional.empty();
        }
    }

    /**
     * utime + stime + cutime + cstime, in clock ticks, from the text of a {@code /proc/<pid>/stat}; empty
     * when it is not of that form.
     */
    static Optional<Long> parseStatTicks(String stat) {
        return sumTimeFields(stat, TIME_FIELDS);
    }

    /** utime + stime, in clock ticks, from the text of a {@code /proc/<pid>/stat}; empty when it is not of that form. */
    static Optional<Long> parseOwnTicks(String stat) {
        return sumTimeFields(stat, OWN_TIME_FIELDS);
    }

    private static Optional<Long> sumTimeFields(String stat, int count) {
        // Field 2, the command name in parentheses, may hold spaces and ')' itself: fields 3 on start
        // after the last ')'.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < FIRST_TIME_FIELD + TIME_FIELDS) {
            return Optional.empty();
        }
        long sum = 0;
        try {
            for (int i = FIRST_TIME_FIELD; i < FIRST_TIME_FIELD + count; i++) {
                sum += Long.parseLong(fields[i]);
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(sum);
    }

    static Duration toDuration(long ticks, long ticksPerSecond) {
        long seconds = ticks / ticksPerSecond;
        long rest = ticks % ticksPerSecond;
        return Duration.ofSeconds(seconds, rest * TimeUnit.SECONDS.toNanos(1) / ticksPerSecond);
    }

    /** The kernel's USER_HZ, the unit of the times in /proc/<pid>/stat: {@code getconf CLK_TCK}, else 100. */
    static long ticksPerSecond() {
        long hz = ticksPerSecond;
        if (hz == 0) {
            hz = getconfClockTicks().orElse(DEFAULT_TICKS_PER_SECOND);
            ticksPerSecond = hz;
        }
        return hz;
    }

    private static Optional<Long> getconfClockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            if (p.waitFor(GETCONF_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return parseClockTicks(out);
            }
            p.destroyForcibly();
        } catch (IOException e) {
            log.debug("getconf not available, taking USER_HZ as {}", DEFAULT_TICKS_PER_SECOND, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** The output of {@code getconf CLK_TCK}, if it is a positive number. */
    static Optional<Long> parseClockTicks(String getconfOutput) {
        try {
            long hz = Long.parseLong(getconfOutput.trim());
            return hz > 0 ? Optional.of(hz) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Puts {@link #CPU_SECONDS} into {@code metrics}: the CPU between the samples {@code before} and
     * {@code after} of a measured phase. Nothing when either is missing (direct has no proxy).
     */
    static void record(Map<String, Object> metrics, Optional<Duration> before, Optional<Duration> after) {
        if (before.isPresent() && after.isPresent()) {
            metrics.put(CPU_SECONDS, after.get().minus(before.get()).toNanos() / 1e9);
        }
    }

    /**
     * Puts {@link #COMPILER_SECONDS} into {@code metrics}: the CPU of the proxy's JIT compiler threads
     * between {@code before} and {@code after}, part of {@link #CPU_SECONDS}. Nothing when either is missing.
     */
    static void recordCompiler(Map<String, Object> metrics, Optional<Duration> before, Optional<Duration> after) {
        if (before.isPresent() && after.isPresent()) {
            metrics.put(COMPILER_SECONDS, Math.max(0, after.get().minus(before.get()).toNanos()) / 1e9);
        }
    }

    /**
     * Adds the per-unit figure of {@code scenario} to {@code metrics} when they hold {@link #CPU_SECONDS}:
     * {@link #CPU_SECONDS_PER_GB} over {@code bytes} for T1 and T8, {@link #CPU_MS_PER_TX} over the
     * {@code ok} transactions for C (failed ones cost the proxy less and are not what the rate counts).
     * H gets none: its work is holding, not a count of units.
     */
    static void addPerUnit(Scenario scenario, Map<String, Object> metrics) {
        if (!(metrics.get(CPU_SECONDS) instanceof Number cpu)) {
            return;
        }
        switch (scenario) {
            case T1, T8 -> {
                if (metrics.get("bytes") instanceof Number bytes && bytes.longValue() > 0) {
                    metrics.put(CPU_SECONDS_PER_GB, cpu.doubleValue() / (bytes.doubleValue() / BYTES_PER_GB));
                }
            }
            case C -> {
                if (metrics.get("ok") instanceof Number ok && ok.longValue() > 0) {
                    metrics.put(CPU_MS_PER_TX, cpu.doubleValue() * MILLIS_PER_SECOND / ok.doubleValue());
                }
            }
            case H -> {
                // holding idle connections is not counted per unit
            }
        }
    }
}
