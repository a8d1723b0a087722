package socks5d.testkit.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.testkit.process.ChildProcess;
import socks5d.testkit.process.Socks5dPorts;

/**
 * A proxy under test of the benchmark, started as a {@link ChildProcess}: socks5d from its jar (with
 * authentication and dissectors on or off) or a peer proxy from a command template (with built-in forms
 * for microsocks, Dante and 3proxy). It picks a free loopback port, waits until the port accepts, reads
 * the resident memory of the child and its descendants from {@code /proc/<pid>/status} and their CPU time
 * from {@code /proc/<pid>/stat} ({@link CpuTime}), and on {@link #close()} stops them and deletes the
 * scratch directory.
 *
 * <p>Owns the child process and its descendants, its log file and scratch directory. Threading: one
 * benchmark thread; the memory and CPU probes may be called from any thread.
 */
public final class ProxyProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyProcess.class);
    /** The credentials every proxy under test is started with. */
    public static final String USER = "bench";
    public static final String PASSWORD = "bench";
    private static final String LOOPBACK = "127.0.0.1";
    private static final long STOP_SECONDS = 10;
    /** Peer names whose command may be just the program: the rest of the command line is built in. */
    static final String MICROSOCKS = "microsocks";
    static final String DANTE = "dante";
    private static final String DANTE_CONF = "danted.conf";
    private static final String DANTE_NO_AUTH = DANTE + " (no auth)";
    static final String THREE_PROXY = "3proxy";
    /** The peer name that measures 3proxy without authentication, as the socks5d noauth variants are. */
    static final String THREE_PROXY_NO_AUTH_PEER = THREE_PROXY + "-noauth";
    private static final String THREE_PROXY_NO_AUTH = THREE_PROXY + " (no auth)";
    private static final String THREE_PROXY_CONF = "3proxy.cfg";
    /**
     * 3proxy's maxconn (its default is 100, and it silently ignores connections past it): above the 9,000
     * connections H holds, and within {@code ulimit -n 20000}, as 3proxy wants two descriptors for each
     * connection maxconn allows (it warns at start when the limit is lower).
     */
    static final int THREE_PROXY_MAXCONN = 10_000;
    /**
     * Dante's outgoing address. Dante binds every outgoing socket before connecting (no SO_REUSEADDR),
     * first to the client's own port, else to any port. On 127.0.0.1 the client's port is always
     * taken by the client, so each session binds a second ephemeral port, and at full scale those
     * binds ran out (reply 03 for 7,884 of 20,000 C transactions and 1,000 to 2,000 of 9,000 H
     * connections). Any 127/8 address reaches the targets on Linux, and on this one the client's port
     * is free. The bound ports still stay in TIME_WAIT for a minute and keep connect() off them, so
     * H right after a full-scale C through Dante can run out of client ports.
     */
    static final String OUTGOING_SOURCE = "127.0.0.2";
    /** Dante's RFC 1929 method checks the system password database, so it needs this to exist. */
    static final String CREATE_BENCH_USER = "useradd -M -s /usr/sbin/nologin " + USER + " && echo "
            + USER + ":" + PASSWORD + " | chpasswd";

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
    private final ChildProcess child;
    private final Process process;
    private final InetSocketAddress address;
    private final boolean authRequired;
    private final Path scratch;
    private final Optional<String> note;
    private final boolean bindsOutgoingSockets;
    private volatile boolean keepFiles;

    private ProxyProcess(String name, ChildProcess child, InetSocketAddress address, boolean authRequired,
                         Path scratch, Optional<String> note, boolean bindsOutgoingSockets) {
        this.name = name;
        this.child = child;
        this.process = child.process();
        this.address = address;
        this.authRequired = authRequired;
        this.scratch = scratch;
        this.note = note;
        this.bindsOutgoingSockets = bindsOutgoingSockets;
    }

    /**
     * Starts {@code java <jvmFlags> -jar <jar> -l 127.0.0.1 -p PORT -L 127.0.0.1 -P 0 --mass-port 0
     * --pctp-port 0 --http-port 0 -u bench:bench --data-dir <tmp> [-N] [--config <tmp>/bench.conf]}
     * and waits until it accepts.
     * The config file turns authentication off when asked and carries {@code extraConfig} (HOCON
     * key = value lines).
     */
    public static ProxyProcess socks5d(String name, Path java, List<String> jvmFlags, Path jar, boolean auth,
                                       boolean dissectors, Map<String, String> extraConfig, Duration startup)
            throws IOException {
        Path scratch = Files.createTempDirectory("socks5d-bench-");
        int port = ChildProcess.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(Socks5dPorts.socksOnly(port).flags());
        cmd.addAll(List.of("-u", USER + ":" + PASSWORD, "--data-dir", scratch.resolve("data").toString()));
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
        return launch(name, cmd, port, auth, scratch, startup, Optional.empty(), false);
    }

    /**
     * Starts {@link PekkoRelay} from this benchmark's own class path, one listening port per target, and
     * returns it with the route from each target to its port.
     */
    public static ProxyProcess pekkoRelay(String name, Path java, List<String> jvmFlags,
                                          List<InetSocketAddress> targets, Map<InetSocketAddress, InetSocketAddress> via,
                                          Duration startup) throws IOException {
        Path scratch = Files.createTempDirectory("socks5d-bench-relay-");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PekkoRelay.class.getName()));
        int first = -1;
        for (InetSocketAddress target : targets) {
            int port = ChildProcess.freePort();
            first = first < 0 ? port : first;
            via.put(target, new InetSocketAddress(LOOPBACK, port));
            cmd.add(port + "=" + target.getAddress().getHostAddress() + ":" + target.getPort());
        }
        return launch(name, cmd, first, false, scratch, startup, Optional.empty(), false);
    }

    /**
     * Starts a peer proxy from a command template with placeholders {@code {host} {port} {user} {pass}}
     * (split on spaces). {@code microsocks=/path} without placeholders means
     * {@code /path -i {host} -p {port} -u {user} -P {pass}}, {@code dante=/path} means Dante with a
     * generated config (see {@link #dante}), and {@code 3proxy=/path} (or {@code 3proxy-noauth=/path})
     * 3proxy with a generated config (see {@link #threeProxy}). The peer is taken to require
     * authentication when the template uses {@code {user}}.
     */
    public static ProxyProcess peer(String name, String template, Duration startup) throws IOException {
        if (!template.contains("{port}") && DANTE.equals(name)) {
            return dante(template, startup);
        }
        if (!template.contains("{port}") && THREE_PROXY.equals(name)) {
            return threeProxy(THREE_PROXY, template, true, startup);
        }
        if (!template.contains("{port}") && THREE_PROXY_NO_AUTH_PEER.equals(name)) {
            return threeProxy(THREE_PROXY_NO_AUTH, template, false, startup);
        }
        String t = template.contains("{port}") ? template
                : template + " -i {host} -p {port} -u {user} -P {pass}";
        if (!template.contains("{port}") && !MICROSOCKS.equals(name)) {
            throw new IllegalArgumentException("peer " + name + ": the command needs a {port} placeholder");
        }
        Path scratch = Files.createTempDirectory("socks5d-bench-" + name + "-");
        int port = ChildProcess.freePort();
        List<String> cmd = new ArrayList<>();
        for (String part : t.trim().split("\\s+")) {
            cmd.add(part.replace("{host}", LOOPBACK).replace("{port}", Integer.toString(port))
                    .replace("{user}", USER).replace("{pass}", PASSWORD));
        }
        return launch(name, cmd, port, t.contains("{user}"), scratch, startup, Optional.empty(), false);
    }

    /**
     * Starts {@code <command> -f <scratch>/danted.conf -p <scratch>/danted.pid}: without {@code -D}
     * Dante stays in the foreground, and the pid file stays out of /var/run. The mother process forks
     * its negotiate, request and io children as needed. Dante's RFC 1929 method checks the system
     * password database (and needs root for /etc/shadow), and the benchmark never creates system
     * users: with no system user {@link #USER}, or when not run as root, Dante runs without
     * authentication, named {@code dante (no auth)}, with a {@link #note()} saying so.
     */
    private static ProxyProcess dante(String command, Duration startup) throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean userExists = systemUserExists(USER);
        boolean auth = root && userExists;
        Optional<String> note = auth ? Optional.empty() : Optional.of("Dante measured WITHOUT authentication: "
                + (userExists ? "its RFC 1929 method reads /etc/shadow, so it needs the benchmark to run as root"
                        : "its RFC 1929 method checks the system password database and there is no system user "
                        + USER + "; to measure it with authentication, as root: " + CREATE_BENCH_USER));
        String name = auth ? DANTE : DANTE_NO_AUTH;
        Path scratch = Files.createTempDirectory("socks5d-bench-" + DANTE + "-");
        int port = ChildProcess.freePort();
        Path conf = scratch.resolve(DANTE_CONF);
        Files.writeString(conf, danteConfig(port, auth), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(command.trim().split("\\s+")));
        cmd.addAll(List.of("-f", conf.toString(), "-p", scratch.resolve("danted.pid").toString()));
        return launch(name, cmd, port, auth, scratch, startup, note, true);
    }

    /**
     * The danted.conf (Dante 1.4) for the benchmark: listen on 127.0.0.1:{@code port}, connect out
     * from {@link #OUTGOING_SOURCE}, log to standard error, and pass CONNECT from loopback clients to
     * anywhere, with RFC 1929 against the system password database when {@code auth}, else with no
     * authentication. Dante 1.4 has no setting for the number of child processes (only {@code -N} for
     * more mother processes): the mother forks negotiate, request and io children as clients arrive
     * (an io child relays 32 sessions), bounded by the process and descriptor limits it inherits.
     * Rules without {@code log:} keep per-session logging off, as in the other proxies.
     */
    static String danteConfig(int port, boolean auth) {
        StringBuilder c = new StringBuilder();
        c.append("# written by the socks5d benchmark\n");
        c.append("logoutput: stderr\n");
        c.append("internal: ").append(LOOPBACK).append(" port = ").append(port).append('\n');
        c.append("external: ").append(OUTGOING_SOURCE).append('\n');
        c.append("clientmethod: none\n");
        if (auth) {
            c.append("socksmethod: username\n");
            // the username method reads /etc/shadow
            c.append("user.privileged: root\n");
        } else {
            c.append("socksmethod: none\n");
        }
        c.append("client pass {\n    from: 127.0.0.0/8 to: 0.0.0.0/0\n}\n");
        c.append("socks pass {\n    from: 127.0.0.0/8 to: 0.0.0.0/0\n    command: connect\n}\n");
        return c.toString();
    }

    /**
     * Starts {@code <command> <scratch>/3proxy.cfg}: 3proxy reads the file and, without {@code daemon}
     * in it, stays in the foreground, one process with a thread per connection. With authentication it
     * answers RFC 1929 with success whatever the password and checks the credentials at the request: a
     * wrong password gets CONNECT reply 0x02.
     */
    private static ProxyProcess threeProxy(String name, String command, boolean auth, Duration startup)
            throws IOException {
        Path scratch = Files.createTempDirectory("socks5d-bench-" + THREE_PROXY + "-");
        int port = ChildProcess.freePort();
        Path conf = scratch.resolve(THREE_PROXY_CONF);
        Files.writeString(conf, threeProxyConfig(port, auth), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(command.trim().split("\\s+")));
        cmd.add(conf.toString());
        return launch(name, cmd, port, auth, scratch, startup, Optional.empty(), true);
    }

    /**
     * The 3proxy.cfg (3proxy 0.9 and 1.0) for the benchmark: a SOCKS service on 127.0.0.1:{@code port}
     * connecting out from 127.0.0.2 (like Dante, 3proxy binds each outgoing socket before connecting, and
     * bind() cannot reuse a port that a TIME_WAIT connection of an earlier proxy holds on 127.0.0.1: the
     * run's C then failed with reply 0x05 for lack of ports), with {@link #THREE_PROXY_MAXCONN}; with {@code auth}, the one user
     * {@link #USER} with a cleartext password and only that user allowed, else no authentication (which
     * also turns the access lists off). No {@code log} command, so nothing is logged per session, as in
     * the other proxies; no {@code nserver}, as every CONNECT is to an address and nothing is resolved;
     * no {@code daemon}, so it stays a child of the benchmark; 3proxy's default thread stack size.
     * {@code maxconn} only applies to services started after it, so it comes first.
     */
    static String threeProxyConfig(int port, boolean auth) {
        StringBuilder c = new StringBuilder();
        c.append("# written by the socks5d benchmark\n");
        c.append("maxconn ").append(THREE_PROXY_MAXCONN).append('\n');
        if (auth) {
            c.append("users ").append(USER).append(":CL:").append(PASSWORD).append('\n');
            c.append("auth strong\n");
            c.append("allow ").append(USER).append('\n');
        } else {
            c.append("auth none\n");
        }
        c.append("socks -p").append(port).append(" -i").append(LOOPBACK).append(" -e").append(OUTGOING_SOURCE).append('\n');
        return c.toString();
    }

    /** Whether the system password database knows {@code user} ({@code getent passwd}, else /etc/passwd). */
    static boolean systemUserExists(String user) {
        try {
            Process getent = new ProcessBuilder("getent", "passwd", user)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (getent.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                return getent.exitValue() == 0;
            }
            getent.destroyForcibly();
        } catch (IOException e) {
            log.debug("getent not available, reading /etc/passwd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return passwdHasUser(Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8), user);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Whether passwd(5) lines name {@code user}. */
    static boolean passwdHasUser(List<String> passwdLines, String user) {
        return passwdLines.stream().anyMatch(l -> l.startsWith(user + ":"));
    }

    private static ProxyProcess launch(String name, List<String> cmd, int port, boolean auth, Path scratch,
                                       Duration startup, Optional<String> note, boolean bindsOutgoingSockets)
            throws IOException {
        Path logFile = scratch.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        try {
            ChildProcess child = ChildProcess.of(name, cmd).output(logFile).awaitPorts(port).startup(startup)
                    .stopGrace(Duration.ofSeconds(STOP_SECONDS)).start();
            return new ProxyProcess(name, child, new InetSocketAddress(LOOPBACK, port), auth, scratch, note,
                    bindsOutgoingSockets);
        } catch (IOException e) {
            delete(scratch);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /**
     * True for the proxies the benchmark starts with a config that binds every outgoing socket before
     * connecting (3proxy, Dante): they run out of ephemeral ports beyond about 28,000 transactions a
     * minute, so scenario C gives them a single warm-up round (they are written in C: nothing to warm).
     */
    public boolean bindsOutgoingSockets() {
        return bindsOutgoingSockets;
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

    /** Something the reader of the results must know about how this proxy was measured. */
    public Optional<String> note() {
        return note;
    }

    /** Where the child's standard output and error go. */
    public Path logFile() {
        return child.stdout();
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

    /**
     * CPU time used so far by the child and its descendants (with the children they have reaped), if
     * /proc has it (Linux); see {@link CpuTime}.
     */
    public Optional<Duration> cpuTime() {
        return CpuTime.of(process.toHandle());
    }

    /** The part of {@link #cpuTime()} its JIT compiler threads used (zero for a proxy not on a JVM); see {@link CpuTime}. */
    public Optional<Duration> compilerCpuTime() {
        return CpuTime.compilerOf(process.toHandle());
    }

    /**
     * Resets the peak resident memory (VmHWM) of the child and its descendants to their present size
     * ({@code 5} to {@code /proc/<pid>/clear_refs}, Linux), so that a later {@link #memory()} gives the peak
     * since now: H measures the memory while holding, not the peak of earlier scenarios in the same
     * process. Returns whether every reset took.
     */
    public boolean resetPeakMemory() {
        boolean all = resetPeak(process.pid());
        for (ProcessHandle d : process.descendants().toList()) {
            all &= resetPeak(d.pid());
        }
        return all;
    }

    private static boolean resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException | UncheckedIOException | SecurityException e) {
            log.debug("Cannot reset the peak memory of [{}]: [{}]", pid, e.toString());
            return false;
        }
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

    /** Keep the scratch directory (data and log) after {@link #close()}, for a look afterwards. */
    public ProxyProcess keepFiles(boolean keep) {
        this.keepFiles = keep;
        return this;
    }

    /**
     * Stops the child and its descendants (SIGTERM, then SIGKILL to those left after 10 s) and deletes
     * the scratch directory.
     */
    @Override
    public void close() {
        child.close();
        if (keepFiles) {
            log.info("Kept [{}]", scratch);
            return;
        }
        delete(scratch);
    }

    private static void delete(Path scratch) {
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete [{}]", scratch, e);
        }
    }
}
