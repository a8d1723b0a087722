package socks5d.proxy;

import java.io.File;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code socks5d} entry point (README, Command line): parses the command line into a {@link Config}
 * layered over {@code --config FILE} and the embedded defaults, reads it once into {@link ServerSettings},
 * starts {@link Socks5d} and maps the outcome to an {@link ExitCode}. Nothing reads the flags after
 * they became config.
 */
@Command(name = "socks5d", sortOptions = false,
        description = "SOCKS5 proxy (RFC 1928/1929) with live management over MCP, MASS and PCTP.",
        versionProvider = Main.Version.class)
public final class Main implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "-h", usageHelp = true, description = "Print this help and exit.")
    boolean help;

    @Option(names = "-v", versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = "-l", paramLabel = "ADDR", description = "SOCKS listen address (default 0.0.0.0).")
    String socksAddress;

    @Option(names = "-p", paramLabel = "PORT", description = "SOCKS port (default 1080).")
    Integer socksPort;

    @Option(names = "-L", paramLabel = "ADDR", description = "Management listen address: MCP, MASS, PCTP, HTTP admin (default 127.0.0.1).")
    String managementAddress;

    @Option(names = "-P", paramLabel = "PORT", description = "MCP port, 0 disables (default 8080).")
    Integer mcpPort;

    @Option(names = "--mass-port", paramLabel = "PORT", description = "MASS port, 0 disables (default 8081).")
    Integer massPort;

    @Option(names = "--pctp-port", paramLabel = "PORT", description = "PCTP port, 0 disables (default 9090).")
    Integer pctpPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "HTTP admin port (/metrics, /health/*, status page), 0 disables (default 8082).")
    Integer httpPort;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "Log lines as text (default) or json: one JSON object per line.")
    String logFormat;

    @Option(names = "-u", paramLabel = "USER:PASS", description = "Add (or update) an ADMIN user; repeatable.")
    List<String> users = new ArrayList<>();

    @Option(names = "-N", description = "Start with the password dissectors off.")
    boolean dissectorsOff;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where users are persisted (default ./data).")
    File dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "Extra HOCON file layered over the defaults.")
    File configFile;

    @Option(names = "--cluster-host", paramLabel = "ADDR",
            description = "This node's cluster address, where other nodes reach it: cluster mode "
                    + "(default: none, no cluster).")
    String clusterHost;

    @Option(names = "--cluster-port", paramLabel = "PORT", description = "Cluster mode: this node's cluster port (default 7355).")
    Integer clusterPort;

    @Option(names = "--seed-nodes", paramLabel = "HOST:PORT", split = ",",
            description = "Cluster mode: the seed nodes to join, comma-separated (this node may be one of them); repeatable.")
    List<String> seedNodes = new ArrayList<>();

    /** The flag's singular spelling, which earlier versions documented: more of the same list. */
    @Option(names = "--seed-node", paramLabel = "HOST:PORT", split = ",", hidden = true)
    List<String> moreSeedNodes = new ArrayList<>();

    @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster mode: the cluster's name (default socks5d).")
    String clusterName;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // With 2 cores the common pool has parallelism 1, and CompletableFuture then starts a new
        // thread for every async callback (Pekko's Java futures use them); give it real threads.
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
        // Netty's leak detector samples one buffer in 128 by default and records a stack trace for each,
        // a cost on every event loop (docs/performance.md). The tests run it at paranoid
        // (NettyLeakCheck); a running server does not need it unless asked for with the property.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        int code = run(args);
        // The product lines still queued (the last sessions' access-log lines) are written before exit.
        LogFormat.stop();
        System.exit(code);
    }

    /** Runs socks5d until it stops and returns the exit status; used by tests that start it in-process. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * As {@link #run(String...)}, with help and version written to {@code out} and a bad flag's
     * line and usage to {@code err}, so tests can check what a user would see.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Main::badUsage);
        return cli.execute(args);
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("socks5d: " + e.getMessage());
        e.getCommandLine().usage(err);
        return ExitCode.USAGE.code();
    }

    @Override
    public Integer call() {
        ServerSettings settings;
        List<Credentials> admins;
        try {
            admins = parseUsers();
            settings = ServerSettings.fromConfig(config());
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        LogFormat.apply(settings.logFormat());
        Socks5d server = Socks5d.start(settings, admins);
        CompletableFuture<ExitCode> exit = server.whenStopped();
        try {
            server.started().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            log.error("socks5d could not start: {}", describe(cause));
            server.terminate();
            return ExitCode.FAILED.code();
        }
        Signals.install(server);
        return exit.join().code();
    }

    /** The start failure in one line: a port in use said as such (docs/operations.md, Exit codes). */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("Address already in use")) {
                return "address already in use (" + text(t) + ")";
            }
        }
        return text(t);
    }

    private static String text(Throwable t) {
        // some failures carry no message (an unresolved address): their class is the message then
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private List<Credentials> parseUsers() {
        return users.stream().map(Credentials::parse).toList();
    }

    /** Flags over {@code --config FILE} over the embedded defaults (README, Configuration). */
    Config config() {
        Map<String, Object> flags = new HashMap<>();
        putIf(flags, "socks5d.proxy.listen-address", socksAddress);
        putIf(flags, "socks5d.proxy.port", port("-p", socksPort));
        putIf(flags, "socks5d.management.listen-address", managementAddress);
        putIf(flags, "socks5d.management.mcp.port", port("-P", mcpPort));
        putIf(flags, "socks5d.management.mass.port", port("--mass-port", massPort));
        putIf(flags, "socks5d.management.pctp.port", port("--pctp-port", pctpPort));
        putIf(flags, "socks5d.management.http.port", port("--http-port", httpPort));
        putIf(flags, "socks5d.proxy.log-format", logFormat);
        if (dissectorsOff) {
            flags.put("socks5d.management.switches.dissectors", false);
        }
        if (dataDir != null) {
            flags.put("socks5d.management.users.data-dir", dataDir.getPath());
        }
        putIf(flags, "socks5d.cluster.host", clusterHost);
        putIf(flags, "socks5d.cluster.port", port("--cluster-port", clusterPort));
        putIf(flags, "socks5d.cluster.name", clusterName);
        List<String> seeds = new ArrayList<>(seedNodes);
        seeds.addAll(moreSeedNodes);
        if (!seeds.isEmpty()) {
            flags.put("socks5d.cluster.seed-nodes", seeds);
        }
        if (clusterHost != null) {
            flags.put("socks5d.cluster.enabled", true);
        }
        Config file = ConfigFactory.empty();
        if (configFile != null) {
            if (!configFile.isFile()) {
                throw new IllegalArgumentException("--config " + configFile + ": no such file");
            }
            file = ConfigFactory.parseFile(configFile);
        }
        Config merged = ConfigFactory.parseMap(flags, "command line").withFallback(file).withFallback(ConfigFactory.load());
        if ((clusterPort != null || clusterName != null || !seeds.isEmpty()) && !merged.getBoolean("socks5d.cluster.enabled")) {
            // Cluster mode is --cluster-host's (or socks5d.cluster.enabled in --config); the other cluster
            // flags alone would be ignored, which is never what was meant.
            throw new IllegalArgumentException("--cluster-port, --seed-nodes and --cluster-name need --cluster-host "
                    + "(this node's cluster address), or socks5d.cluster.enabled = on in --config");
        }
        Duration grace = merged.getDuration("socks5d.proxy.shutdown-grace");
        // The drain phase of CoordinatedShutdown must last as long as the grace period allows.
        return ConfigFactory.parseMap(Map.of(
                        "pekko.coordinated-shutdown.phases.service-requests-done.timeout", (grace.toMillis() + 1000) + "ms"))
                .withFallback(merged).resolve();
    }

    private static Integer port(String flag, Integer port) {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException(flag + " must be a port 0..65535, was " + port);
        }
        return port;
    }

    private static void putIf(Map<String, Object> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value);
        }
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"socks5d " + (v == null ? "dev" : v)};
        }
    }
}
