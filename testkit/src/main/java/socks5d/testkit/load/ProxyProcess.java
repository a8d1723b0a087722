package socks5d.testkit.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that starts a proxy under test as a child process: socks5d from its jar (with
 * authentication and dissectors on or off) or a peer proxy from a command template. It picks a free
 * loopback port, waits until the port accepts, reads the resident memory of the child and its
 * descendants from {@code /proc/<pid>/status}, and on {@link #close()} stops them and deletes the
 * scratch directory.
 *
 * <p>Owns the child process and its descendants, its log file and scratch directory. Threading: one
 * benchmark thread; the memory probe may be called from any thread.
 */
public final class ProxyProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyProcess.class);
    /** The credentials every proxy under test is started with. */
    public static final String USER = "bench";
    public static final String PASSWORD = "bench";
    private static final String LOOPBACK = "127.0.0.1";
    private static final int PROBE_CONNECT_MILLIS = 200;
    private static final long POLL_MILLIS = 100;
    private static final long STOP_SECONDS = 10;
    private static final int LOG_TAIL_LINES = 20;

    /**
     * Resident memory, from /proc: current (VmRSS) and peak (VmHWM), KiB. For a proxy of several
     * processes, the sum over the processes alive at the sample (pages they share are counted once
     * per process, and the peak of a process that has exited is lost).
     */
    public record Memory(long vmRssKiB, long vmHwmKiB) {
        Memory plus(Memory other) {
            return new Memory(vmRssKiB + other.vmRssKiB, vmHwmKiB + other.vmHwmKiB);
        }
    }

    private final String name;
    private final Process process;
    private final InetSocketAddress address;
    private final boolean authRequired;
    private final Path scratch;
    private final Path logFile;
    private volatile boolean keepFiles;

    private ProxyProcess(String name, Process process, InetSocketAddress address, boolean authRequired,
                         Path scratch, Path logFile) {
        this.name = name;
        this.process = process;
        this.address = address;
        this.authRequired = authRequired;
        this.scratch = scratch;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java <jvmFlags> -jar <jar> -l 127.0.0.1 -p PORT -P 0 --mass-port 0 --pctp-port 0
     * -u bench:bench --data-dir <tmp> [-N] [--config <tmp>/bench.conf]} and waits until it accepts.
     * The config file turns authentication off when asked and carries {@code extraConfig} (HOCON
     * key = value lines).
     */
    public static ProxyProcess socks5d(String name, Path java, List<String> jvmFlags, Path jar, boolean auth,
                                       boolean dissectors, Map<String, String> extraConfig, Duration startup)
            throws IOException {
        Path scratch = Files.createTempDirectory("socks5d-bench-");
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "-l", LOOPBACK, "-p", Integer.toString(port),
                "-P", "0", "--mass-port", "0", "--pctp-port", "0", "-u", USER + ":" + PASSWORD,
                "--data-dir", scratch.resolve("data").toString()));
        if (!dissectors) {
            cmd.add("-N");
        }
        StringBuilder conf = new StringBuilder();
        if (!auth) {
            conf.append("socks5d.management.switches.auth-required = off\n");
        }
        extraConfig.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        if (conf.length() > 0) {
            Path confFile = scratch.resolve("bench.conf");
            Files.writeString(confFile, conf, StandardCharsets.UTF_8);
            cmd.addAll(List.of("--config", confFile.toString()));
        }
        return launch(name, cmd, port, auth, scratch, startup);
    }

    /**
     * Starts a peer proxy from a command template with placeholders {@code {host} {port} {user} {pass}}
     * (split on spaces). {@code microsocks=/path} without placeholders means
     * {@code /path -i {host} -p {port} -u {user} -P {pass}}. The peer is taken to require authentication
     * when the template uses {@code {user}}.
     */
    public static ProxyProcess peer(String name, String template, Duration startup) throws IOException {
        String t = template.contains("{port}") ? template
                : template + " -i {host} -p {port} -u {user} -P {pass}";
        if (!template.contains("{port}") && !"microsocks".equals(name)) {
            throw new IllegalArgumentException("peer " + name + ": the command needs a {port} placeholder");
        }
        Path scratch = Files.createTempDirectory("socks5d-bench-" + name + "-");
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        for (String part : t.trim().split("\\s+")) {
            cmd.add(part.replace("{host}", LOOPBACK).replace("{port}", Integer.toString(port))
                    .replace("{user}", USER).replace("{pass}", PASSWORD));
        }
        return launch(name, cmd, port, t.contains("{user}"), scratch, startup);
    }

    private static ProxyProcess launch(String name, List<String> cmd, int port, boolean auth, Path scratch,
                                       Duration startup) throws IOException {
        Path logFile = scratch.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        log.debug("Starting [{}]", String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        ProxyProcess proxy = new ProxyProcess(name, p, new InetSocketAddress(LOOPBACK, port), auth, scratch, logFile);
        try {
            proxy.awaitListening(startup);
        } catch (IOException | RuntimeException e) {
            String tail = proxy.logTail();
            proxy.close();
            throw new IOException(name + " did not start: " + e.getMessage() + "\n" + tail, e);
        }
        return proxy;
    }

    private void awaitListening(Duration startup) throws IOException {
        long deadline = System.nanoTime() + startup.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("exited with status " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(address, PROBE_CONNECT_MILLIS);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("port " + address.getPort() + " not accepting after " + startup);
                }
            }
            try {
                // waitFor doubles as the pause between probes and notices an early exit at once
                process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    /** A free ephemeral port on loopback (it may be taken again before the child binds it; rare). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        }
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    public long pid() {
        return process.pid();
    }

    /** Whether clients must authenticate (RFC 1929) with {@link #USER}/{@link #PASSWORD}. */
    public boolean authRequired() {
        return authRequired;
    }

    /** Where the child's standard output and error go. */
    public Path logFile() {
        return logFile;
    }

    /**
     * VmRSS and VmHWM now, summed over the child and its descendants (Dante forks one process per few
     * clients), if /proc has them (Linux). A descendant that exits between listing and reading is
     * skipped.
     */
    public Optional<Memory> memory() {
        return status(process.pid()).map(own -> process.descendants()
                .map(d -> status(d.pid()))
                .flatMap(Optional::stream)
                .reduce(own, Memory::plus));
    }

    private static Optional<Memory> status(long pid) {
        try {
            return parseStatus(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.ISO_8859_1));
        } catch (IOException | UncheckedIOException gone) {
            return Optional.empty();
        }
    }

    /** VmRSS and VmHWM from the lines of a /proc/<pid>/status; empty when absent (a zombie, a kernel thread). */
    static Optional<Memory> parseStatus(List<String> lines) {
        long rss = -1;
        long hwm = -1;
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            }
        }
        return rss < 0 || hwm < 0 ? Optional.empty() : Optional.of(new Memory(rss, hwm));
    }

    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    /** The last lines of the child's output, for error messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Keep the scratch directory (data and log) after {@link #close()}, for a look afterwards. */
    public ProxyProcess keepFiles(boolean keep) {
        this.keepFiles = keep;
        return this;
    }

    /**
     * Stops the child and its descendants (SIGTERM, then SIGKILL to those left after 10 s) and deletes
     * the scratch directory. The descendants are listed first: once the child has gone they are
     * re-parented to init and no longer its descendants.
     */
    @Override
    public void close() {
        List<ProcessHandle> family = new ArrayList<>();
        family.add(process.toHandle());
        process.descendants().forEach(family::add);
        family.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_SECONDS);
        try {
            for (ProcessHandle h : family) {
                long left = Math.max(0, deadline - System.nanoTime());
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("[{}] still running after SIGTERM", name);
        }
        family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (keepFiles) {
            log.info("Kept [{}]", scratch);
            return;
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete [{}]", scratch, e);
        }
    }
}
