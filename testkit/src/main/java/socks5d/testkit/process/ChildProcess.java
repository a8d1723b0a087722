package socks5d.testkit.process;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way tests and the benchmark run a server as a child process: start a command with its
 * output captured to files, wait until it accepts on its loopback ports, read what it printed, and
 * stop it with its descendants (SIGTERM, then SIGKILL to those left after a grace period).
 *
 * <p>Owns the child process; the output files belong to the caller. Threading: one thread starts and
 * stops it; the readers may be called from any thread.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PROBE_CONNECT_MILLIS = 200;
    private static final long POLL_MILLIS = 50;
    private static final long KILL_WAIT_SECONDS = 20;
    private static final int TAIL_LINES = 40;
    /** Ports for children are chosen in [max(FIXED_LOW, ephemeral low - FIXED_SPAN), ephemeral low). */
    private static final int FIXED_LOW = 10_000;
    private static final int FIXED_SPAN = 16_384;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Optional<Path> stderr;
    private final Duration stopGrace;

    private ChildProcess(String name, Process process, Path stdout, Optional<Path> stderr, Duration stopGrace) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stopGrace = stopGrace;
    }

    /** A child to start: {@code name} for messages, {@code command} as for {@link ProcessBuilder}. */
    public static Spec of(String name, List<String> command) {
        return new Spec(name, command);
    }

    /** The {@code java} of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A free port on loopback (it may be taken again before the child binds it; rare). */
    public static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /**
     * {@code n} different free ports on loopback: each probe stays bound until all are chosen, so the
     * kernel cannot hand out one port twice (as separate {@link #freePort()} calls can). The ports lie
     * below the kernel's ephemeral range where it has one (Linux: {@code ip_local_port_range}), so the
     * outgoing connections and port-0 listeners of the tests and the children, which take ports from
     * that range, cannot take one of them before its child binds it.
     */
    public static int[] freePorts(int n) throws IOException {
        List<ServerSocket> probes = new ArrayList<>(n);
        try {
            int[] ports = new int[n];
            int below = ephemeralLow();
            int attempts = 0;
            for (int i = 0; i < n; i++) {
                ServerSocket s = null;
                while (s == null && below > FIXED_LOW + n && attempts++ < 50 * n) {
                    int port = ThreadLocalRandom.current().nextInt(Math.max(FIXED_LOW, below - FIXED_SPAN), below);
                    s = probe(port);
                }
                if (s == null) {
                    s = new ServerSocket(0, 1, LOOPBACK); // no room below the ephemeral range: the kernel's choice
                }
                probes.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : probes) {
                s.close();
            }
        }
    }

    /** A socket bound to {@code port} on loopback, or null when the port is taken. */
    private static ServerSocket probe(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return s;
        } catch (IOException taken) {
            s.close();
            return null;
        }
    }

    /** The first port of the kernel's ephemeral range, or 0 when it cannot be read (no port below it then). */
    private static int ephemeralLow() {
        try {
            // Not Files.readString: it reads "3" of "32768\t60999" (procfs reports a size of 0)
            String range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** What to start and how to tell it is ready; {@link #start()} starts it. Not thread-safe. */
    public static final class Spec {
        private final String name;
        private final List<String> command;
        private Path stdout;
        private Optional<Path> stderr = Optional.empty();
        private final List<Integer> ports = new ArrayList<>();
        private Duration startup = Duration.ofSeconds(40);
        private Duration stopGrace = Duration.ofSeconds(10);

        private Spec(String name, List<String> command) {
            this.name = name;
            this.command = List.copyOf(command);
        }

        /** Standard output and error both to {@code log}. */
        public Spec output(Path log) {
            this.stdout = log;
            this.stderr = Optional.empty();
            return this;
        }

        /** Standard output to {@code out}, standard error to {@code err}. */
        public Spec output(Path out, Path err) {
            this.stdout = out;
            this.stderr = Optional.of(err);
            return this;
        }

        /** Ready once each of these loopback ports has accepted one connection, in this order. */
        public Spec awaitPorts(int... ready) {
            for (int p : ready) {
                ports.add(p);
            }
            return this;
        }

        /** How long the ports may take to accept (default 40 s). */
        public Spec startup(Duration within) {
            this.startup = within;
            return this;
        }

        /** How long {@link #close()} waits after SIGTERM before SIGKILL (default 10 s). */
        public Spec stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        /**
         * Starts the child and returns once it is ready; if it exits first or is not ready in time, kills
         * it and throws an IOException that carries the end of its output.
         */
        public ChildProcess start() throws IOException {
            if (stdout == null) {
                throw new IllegalStateException("no output file for " + name);
            }
            log.debug("Starting [{}]", String.join(" ", command));
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile());
            stderr.ifPresentOrElse(e -> pb.redirectError(e.toFile()), () -> pb.redirectErrorStream(true));
            ChildProcess child = new ChildProcess(name, pb.start(), stdout, stderr, stopGrace);
            try {
                child.awaitListening(ports, startup);
                return child;
            } catch (IOException | RuntimeException e) {
                child.kill();
                throw new IOException(name + " did not start: " + e.getMessage() + "\n" + child.outputTail(), e);
            }
        }
    }

    private void awaitListening(List<Integer> ports, Duration startup) throws IOException {
        long deadline = System.nanoTime() + startup.toNanos();
        for (int port : ports) {
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    throw new IOException("exited with status " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("port " + port + " not accepting after " + startup);
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
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), PROBE_CONNECT_MILLIS);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    public Process process() {
        return process;
    }

    /** Where standard output goes (and standard error, unless it has a file of its own). */
    public Path stdout() {
        return stdout;
    }

    /** Where standard error goes; the {@link #stdout()} file when the two are merged. */
    public Path stderr() {
        return stderr.orElse(stdout);
    }

    /** The whole of a file the child wrote, or the error reading it. */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** The last lines of standard error and standard output, for failure messages. */
    private String outputTail() {
        String out = tail(stdout);
        return stderr.map(e -> tail(e) + "\n--- stdout:\n" + out).orElse(out);
    }

    private static String tail(Path file) {
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    /** SIGKILL to the child and its descendants; returns whether the child is gone within 20 s. */
    public boolean kill() {
        family().forEach(ProcessHandle::destroyForcibly);
        return awaitExit(Duration.ofSeconds(KILL_WAIT_SECONDS));
    }

    /**
     * Stops the child and its descendants: SIGTERM, then SIGKILL to those left after the grace period.
     * The descendants are listed first: once the child has gone they are re-parented to init and no
     * longer its descendants.
     */
    @Override
    public void close() {
        List<ProcessHandle> family = family();
        family.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + stopGrace.toNanos();
        try {
            for (ProcessHandle h : family) {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("[{}] still running after SIGTERM", name);
        }
        family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(KILL_WAIT_SECONDS));
    }

    private List<ProcessHandle> family() {
        List<ProcessHandle> family = new ArrayList<>();
        family.add(process.toHandle());
        process.descendants().forEach(family::add);
        return family;
    }

    private boolean awaitExit(Duration within) {
        try {
            return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
