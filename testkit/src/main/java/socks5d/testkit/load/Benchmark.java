package socks5d.testkit.load;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.UdpEchoServer;
import socks5d.testkit.target.SourceServer;

/**
 * The socks5d benchmark (docs/performance.md): scenarios T1, T8, C and H, each against a direct connection and then
 * through socks5d (started as a child process by {@link ProxyProcess}, per variant: authentication and
 * password dissectors on/off) and optional peer proxies. It prints progress while running, a table at the
 * end with ratios to direct, each proxy's CPU per unit of work and resident memory at idle, and a verdict
 * on the load generator, and writes a JSON results file.
 *
 * <p>{@code java -jar testkit/target/socks5d-bench.jar --proxy-jar proxy/target/socks5d.jar --scale 0.1}
 *
 * <p>Owns the embedded targets (source and echo servers on 127.0.0.1) for the whole run. Threading: one
 * benchmark thread runs the scenarios one after the other; each scenario uses its own bounded pool.
 */
public final class Benchmark {
    static {
        // slf4j-simple (in the bench jar only): warnings and errors, on standard error
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    private final BenchmarkOptions options;
    private final PrintStream out;
    private final List<Result> results = new ArrayList<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, List<ProxyProcess.Memory>> idleMemory = new LinkedHashMap<>();
    /** The pass being measured, from 1 ({@code --passes}). */
    private int pass = 1;
    /** How long a proxy idles after start before its idle memory is read. */
    static final Duration IDLE_SETTLE = Duration.ofSeconds(6);

    public Benchmark(BenchmarkOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (BenchmarkOptions.HelpRequested e) {
            System.out.print(BenchmarkOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("socks5d-bench: " + e.getMessage());
            System.err.print(BenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            Report report = new Benchmark(options, System.out).run();
            System.exit(report == null ? 1 : 0);
        } catch (IOException e) {
            System.err.println("socks5d-bench: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(130);
        }
    }

    /** Runs everything the options select, prints the table and writes the JSON file. */
    public Report run() throws IOException, InterruptedException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        out.printf(Locale.ROOT, "socks5d benchmark: scenarios %s, scale %s, %d cores%n",
                options.scenarios().stream().sorted().toList(), options.scale(),
                Runtime.getRuntime().availableProcessors());
        try (SourceServer source = SourceServer.start(loopback);
             EchoServer echo = EchoServer.start(loopback);
             Progress progress = new Progress(out)) {
            Targets targets = new Targets(source, echo, progress);
            List<Starter> proxies = proxies(source, echo);
            for (int p = 1; p <= options.passes(); p++) {
                pass = p;
                if (options.passes() > 1) {
                    out.printf(Locale.ROOT, "=== pass %d of %d%n", p, options.passes());
                }
                if (options.interleave()) {
                    interleaved(turned(proxies, p - 1), targets);
                    continue;
                }
                measure(DIRECT_LABEL, Route.direct(options.ioTimeout()), Probes.NONE, targets);
                for (Starter starter : turned(proxies, p - 1)) {
                    measureAlone(starter, targets);
                }
            }
        }
        Report report = new Report(Passes.medians(results), results, failures, Passes.medianMemory(idleMemory));
        report.printTable(out);
        report.writeJson(options.out(), options);
        out.println("Results written to " + options.out().toAbsolutePath());
        return report;
    }

    /** A started proxy and the route through it. */
    private record Started(ProxyProcess process, Route route) {
    }

    /** How to start one proxy of the run; started afresh for each pass. */
    private record Starter(String name, StartFn fn) {
        Started start() throws IOException {
            return fn.start();
        }
    }

    @FunctionalInterface
    private interface StartFn {
        Started start() throws IOException;
    }

    /**
     * The proxies this run measures, in the order of the options: the Pekko relay, socks5d's variants,
     * the peers that are installed (the others are reported skipped here, once).
     */
    private List<Starter> proxies(SourceServer source, EchoServer echo) {
        List<Starter> list = new ArrayList<>();
        if (options.pekkoRelay()) {
            list.add(new Starter(PEKKO_RELAY_LABEL, () -> {
                Map<InetSocketAddress, InetSocketAddress> via = new java.util.HashMap<>();
                ProxyProcess p = ProxyProcess.pekkoRelay(PEKKO_RELAY_LABEL, options.java(), options.jvmFlags(),
                        List.of(source.socketAddress(), echo.socketAddress()), via, options.startupTimeout())
                        .keepFiles(options.keepLogs());
                out.printf(Locale.ROOT, "%s listening on %s (pid %d)%s%n", p.name(), via.values(), p.pid(), idle(p));
                return new Started(p, Route.relay(Map.copyOf(via), options.ioTimeout()));
            }));
        }
        if (options.proxyJar() != null) {
            for (BenchmarkOptions.Variant v : options.variants()) {
                String name = "socks5d " + v.label();
                list.add(new Starter(name, () -> announced(ProxyProcess.socks5d(name, options.java(),
                        options.jvmFlags(), options.proxyJar(), v.auth(), v.dissectors(),
                        v.config(options.proxyConfig()), options.startupTimeout()).keepFiles(options.keepLogs()))));
            }
        }
        for (Map.Entry<String, String> peer : options.peers().entrySet()) {
            Optional<String> missing = missingExecutable(peer.getValue());
            if (missing.isPresent()) {
                out.printf(Locale.ROOT, "-- peer %s skipped: %s is not installed%n", peer.getKey(), missing.get());
                continue;
            }
            list.add(new Starter(peer.getKey(), () -> {
                try {
                    return announced(ProxyProcess.peer(peer.getKey(), peer.getValue(), options.startupTimeout())
                            .keepFiles(options.keepLogs()));
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }));
        }
        return list;
    }

    /** Starts the proxy, measures every scenario through it and stops it; a failure is recorded, not thrown. */
    private void measureAlone(Starter starter, Targets targets) throws InterruptedException {
        Optional<Started> started = start(starter);
        if (started.isPresent()) {
            try (ProxyProcess p = started.get().process()) {
                measure(p.name(), started.get().route(), Probes.of(p), targets);
            }
        }
    }

    /** Starts the proxy; a failure is recorded ({@link #fail}) and gives nothing. */
    private Optional<Started> start(Starter starter) {
        try {
            return Optional.of(starter.start());
        } catch (IOException e) {
            fail(starter.name(), e);
            return Optional.empty();
        }
    }

    /**
     * {@code list} turned left by {@code by} places: pass 2 starts with the second proxy and ends with the
     * first, so that no proxy is always measured first (on this kind of machine the same proxy can
     * measure a fifth apart from one place in a run to another).
     */
    static <T> List<T> turned(List<T> list, int by) {
        if (list.isEmpty()) {
            return list;
        }
        int k = Math.floorMod(by, list.size());
        List<T> out = new ArrayList<>(list.subList(k, list.size()));
        out.addAll(list.subList(0, k));
        return out;
    }

    /** The results so far, in run order. */
    public List<Result> results() {
        return List.copyOf(results);
    }

    private static final String DIRECT_LABEL = Report.DIRECT;
    private static final String PEKKO_RELAY_LABEL = "pekko relay (no SOCKS)";

    /**
     * Scenario C against an echo server of its own (unless the route reaches only fixed targets): each
     * transaction leaves its proxy-to-target connection in TIME_WAIT, and with one shared target the
     * proxies measured later in the same run ran out of ephemeral ports towards it.
     */
    private Map<String, Object> transactions(Route route, Targets t, Probes probes) throws InterruptedException {
        if (route.fixedTargets()) {
            return TransactionLoad.run(route, t.echo().socketAddress(), options.transactions(),
                    options.warmup(), transactionWarmupRounds(probes), options.concurrency(), t.progress(),
                    probes.watched(), Warmup.Watched.self());
        }
        try (EchoServer own = EchoServer.start(t.echo().socketAddress().getAddress())) {
            return TransactionLoad.run(route, own.socketAddress(), options.transactions(),
                    options.warmup(), transactionWarmupRounds(probes), options.concurrency(), t.progress(),
                    probes.watched(), Warmup.Watched.self());
        }
    }

    /**
     * Scenario U: a UDP echo target of its own, a warm-up, then {@link BenchmarkOptions#udpDatagrams()}
     * request/response pairs of 512 octets, 64 in flight (at most a minute).
     */
    private Map<String, Object> udpEcho(Route route, Targets t) throws InterruptedException {
        try (UdpEchoServer echo = UdpEchoServer.start(t.echo().socketAddress().getAddress())) {
            try (UdpLoad.Path warm = route.udp(echo.socketAddress())) {
                UdpLoad.run(warm, UdpLoad.Plan.forCount(options.udpDatagrams() / 5 + 1, Duration.ofSeconds(30)));
            }
            try (UdpLoad.Path path = route.udp(echo.socketAddress())) {
                t.progress().begin("U " + options.udpDatagrams() + " round trips", options.udpDatagrams(), "dgram");
                return UdpLoad.run(path, UdpLoad.Plan.forCount(options.udpDatagrams(), Duration.ofSeconds(60)))
                        .metrics();
            }
        } catch (java.io.IOException e) {
            Map<String, Object> failed = new java.util.LinkedHashMap<>();
            failed.put("datagramsPerSec", Double.NaN);
            failed.put("lossPercent", Double.NaN);
            failed.put("p99Ms", Double.NaN);
            failed.put("errors", 1);
            failed.put("error", e.getMessage());
            return failed;
        }
    }

    private record Targets(SourceServer source, EchoServer echo, Progress progress) {
    }

    /** What the scenarios read from the proxy under test: memory (H), its peak reset (H), CPU time and its JIT compiler's part. */
    private record Probes(Supplier<Optional<ProxyProcess.Memory>> memory, Runnable resetPeakMemory,
                          Supplier<Optional<Duration>> cpu, Supplier<Optional<Duration>> compilerCpu,
                          boolean oneWarmupRound) {
        /** Direct: no proxy to read. */
        static final Probes NONE = new Probes(Optional::empty, () -> { }, Optional::empty, Optional::empty, false);

        Warmup.Watched watched() {
            return new Warmup.Watched(cpu, compilerCpu);
        }

        static Probes of(ProxyProcess p) {
            return new Probes(p::memory, p::resetPeakMemory, p::cpuTime, p::compilerCpuTime, p.bindsOutgoingSockets());
        }
    }

    /** Most warm-up rounds before C for this proxy ({@link ProxyProcess#bindsOutgoingSockets()}: one). */
    private int transactionWarmupRounds(Probes probes) {
        return probes.oneWarmupRound() ? 1 : options.warmupRounds();
    }

    /**
     * Samples the proxy's resident memory once it has been idle for {@link #IDLE_SETTLE} after start,
     * before any load (a JVM is still compiling and freeing start-up memory in its first seconds),
     * records it as its idle figure and returns it for the start line.
     */
    private String idle(ProxyProcess p) {
        try {
            Thread.sleep(IDLE_SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Optional<ProxyProcess.Memory> m = p.memory();
        m.ifPresent(mem -> idleMemory.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(mem));
        return m.map(mem -> String.format(Locale.ROOT, ", idle VmRSS %.1f MiB", mem.vmRssKiB() / 1024.0)).orElse("");
    }

    private void fail(String target, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        out.printf(Locale.ROOT, "!! %s failed: %s%n", target, e.getMessage());
        failures.put(target, why);
    }

    /** The command's program when it cannot be found (optional peers are measured only when installed). */
    static Optional<String> missingExecutable(String command) {
        String program = command.trim().split("\\s+")[0];
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program)) ? Optional.empty() : Optional.of(program);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.empty();
            }
        }
        return Optional.of(program);
    }

    /** Slices of an interleaved run ({@code --interleave}). */
    static final int SLICES = 10;

    /**
     * {@code --interleave}: starts every proxy, each with an echo target of its own for C, and measures
     * T1, T8 and C (those asked for) through all of them and direct together, in {@link #SLICES} slices
     * each ({@link Interleave}); then stops them. Before T1/T8 each proxy gets the download warm-up of
     * {@link #measure}, before C the transaction warm-up.
     */
    private void interleaved(List<Starter> proxies, Targets t) throws InterruptedException {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<Interleave.Leg> legs = new ArrayList<>();
            List<Interleave.Leg> cLegs = new ArrayList<>();
            EchoServer directEcho = EchoServer.start(t.echo().socketAddress().getAddress());
            open.add(directEcho);
            legs.add(new Interleave.Leg(DIRECT_LABEL, Route.direct(options.ioTimeout()), t.source().socketAddress(),
                    Warmup.Watched.NOTHING, 1));
            cLegs.add(new Interleave.Leg(DIRECT_LABEL, Route.direct(options.ioTimeout()), directEcho.socketAddress(),
                    Warmup.Watched.NOTHING, 1));
            for (Starter starter : proxies) {
                Optional<Started> maybe = start(starter);
                if (maybe.isEmpty()) {
                    continue;
                }
                Started started = maybe.get();
                open.add(started.process());
                InetSocketAddress echo = t.echo().socketAddress();
                if (!started.route().fixedTargets()) {
                    EchoServer own = EchoServer.start(echo.getAddress());
                    open.add(own);
                    echo = own.socketAddress();
                }
                Probes probes = Probes.of(started.process());
                String name = started.process().name();
                legs.add(new Interleave.Leg(name, started.route(), t.source().socketAddress(), probes.watched(), 1));
                cLegs.add(new Interleave.Leg(name, started.route(), echo, probes.watched(),
                        transactionWarmupRounds(probes)));
            }
            List<String> names = legs.stream().map(Interleave.Leg::name).toList();
            if (options.scenarios().contains(Scenario.T1) || options.scenarios().contains(Scenario.T8)) {
                for (Interleave.Leg leg : legs.subList(1, legs.size())) {
                    t.progress().note("download warm-up of " + leg.name());
                    downloadWarmup(leg.route(), leg.proxy(), t);
                }
            }
            for (Scenario s : Scenario.values()) {
                if (!options.scenarios().contains(s)) {
                    continue;
                }
                out.printf(Locale.ROOT, "== %s (%s), interleaved: %s, %d slices%n", s, s.description(), names, SLICES);
                List<Map<String, Object>> measured = switch (s) {
                    case T1 -> DownloadLoad.interleaved(legs, 1, options.t1Bytes(), SLICES, options.verify(),
                            t.progress(), Warmup.Watched.self());
                    case T8 -> DownloadLoad.interleaved(legs, BenchmarkOptions.T8_STREAMS, options.t8BytesEach(),
                            SLICES, options.verify(), t.progress(), Warmup.Watched.self());
                    case C -> TransactionLoad.interleaved(cLegs, options.transactions(), options.warmup(), SLICES,
                            options.concurrency(), t.progress(), Warmup.Watched.self());
                    case H, U -> throw new IllegalStateException(s + " is not interleaved");
                };
                for (int i = 0; i < legs.size(); i++) {
                    Result r = record(s, legs.get(i).name(), measured.get(i));
                    out.printf(Locale.ROOT, "   %-26s %s%s%n", r.target(), Report.summary(r),
                            Report.cpu(r).map(c -> "  proxy CPU " + c).orElse(""));
                }
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    out.printf(Locale.ROOT, "-- note: closing after the interleaved run: %s%n", e);
                }
            }
        }
    }

    /**
     * Download rounds until the proxy settles: a JVM proxy compiles its relay path during its first
     * gigabytes, and without this warm-up T1 measured the JIT compiler as well (a compiler thread took a
     * sixth of the proxy's CPU in a profile).
     */
    private void downloadWarmup(Route route, Warmup.Watched proxy, Targets t) throws InterruptedException {
        long warm = options.downloadWarmupBytes();
        Warmup.run(options.warmupRounds(), proxy, Warmup.Watched.self(), round -> {
            t.progress().begin("download warm-up round " + round, warm, "bytes");
            Map<String, Object> m = DownloadLoad.run(route, t.source().socketAddress(), 1, warm, false,
                    t.progress(), Optional::empty);
            return ((Number) m.get("bytes")).longValue();
        }, t.progress());
        t.progress().end();
    }

    /** Prints the start line of a SOCKS proxy (port, authentication, idle memory, notes) and its route. */
    private Started announced(ProxyProcess p) {
        out.printf(Locale.ROOT, "%s listening on %s:%d (pid %d, %s)%s%s%n", p.name(), p.address().getHostString(),
                p.address().getPort(), p.pid(), p.authRequired() ? "RFC 1929 authentication" : "no authentication",
                idle(p), options.keepLogs() ? ", log " + p.logFile() : "");
        p.note().ifPresent(n -> out.printf(Locale.ROOT, "-- note: %s%n", n));
        if (p.bindsOutgoingSockets() && options.scenarios().contains(Scenario.C)) {
            out.printf(Locale.ROOT, "-- note: %s binds its outgoing sockets: one warm-up round before C (no JIT to"
                    + " warm; more would use up the ephemeral ports); run its C alone, at --scale 0.5%n", p.name());
        }
        Route route = p.authRequired()
                ? Route.socks(p.address(), ProxyProcess.USER, ProxyProcess.PASSWORD, options.ioTimeout())
                : Route.socks(p.address(), null, null, options.ioTimeout());
        return new Started(p, route);
    }

    private void measure(String target, Route route, Probes probes, Targets t) throws InterruptedException {
        if (options.scenarios().contains(Scenario.T1) || options.scenarios().contains(Scenario.T8)) {
            downloadWarmup(route, probes.watched(), t);
        }
        for (Scenario s : Scenario.values()) {
            if (!options.scenarios().contains(s)) {
                continue;
            }
            out.printf(Locale.ROOT, "== %s (%s) via %s%n", s, s.description(), target);
            Map<String, Object> metrics = switch (s) {
                case T1 -> {
                    t.progress().begin("T1 download", options.t1Bytes(), "bytes");
                    yield DownloadLoad.run(route, t.source().socketAddress(), 1, options.t1Bytes(),
                            options.verify(), t.progress(), probes.cpu());
                }
                case T8 -> {
                    long each = options.t8BytesEach();
                    t.progress().begin("T8 download", each * BenchmarkOptions.T8_STREAMS, "bytes");
                    yield DownloadLoad.run(route, t.source().socketAddress(), BenchmarkOptions.T8_STREAMS, each,
                            options.verify(), t.progress(), probes.cpu());
                }
                case C -> transactions(route, t, probes);
                case U -> udpEcho(route, t);
                case H -> HoldLoad.run(route, t.echo().socketAddress(), options.heldConnections(), options.hold(),
                        options.concurrency(), probes.memory(), probes.resetPeakMemory(), t.progress());
            };
            t.progress().end();
            Result r = record(s, target, metrics);
            out.printf(Locale.ROOT, "   %s%s%n", Report.summary(r),
                    Report.cpu(r).map(c -> "  proxy CPU " + c).orElse(""));
        }
    }

    /** Adds {@code metrics} of {@code s} through {@code target} to the results, with the per-unit CPU and the pass. */
    private Result record(Scenario s, String target, Map<String, Object> metrics) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        CpuTime.addPerUnit(s, m);
        m.put(Passes.PASS, pass);
        Result r = new Result(s, target, s.headline(), m);
        results.add(r);
        return r;
    }
}
