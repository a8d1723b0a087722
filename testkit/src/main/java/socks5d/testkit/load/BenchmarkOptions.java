package socks5d.testkit.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's command line, parsed into an immutable record, with the scenario sizes derived from
 * {@code --scale}.
 *
 * <p>Immutable; pure.
 */
public record BenchmarkOptions(
        Path proxyJar,
        Path java,
        List<String> jvmFlags,
        Set<Scenario> scenarios,
        double scale,
        List<Variant> variants,
        Map<String, String> peers,
        boolean pekkoRelay,
        Map<String, String> proxyConfig,
        int concurrency,
        int warmupRounds,
        int passes,
        boolean interleave,
        boolean verify,
        boolean keepLogs,
        Path out,
        Duration startupTimeout,
        Duration ioTimeout) {

    /** Full-scale sizes (README, Performance). */
    static final long T1_BYTES = 2L << 30;
    static final long T8_BYTES = 512L << 20;
    static final int T8_STREAMS = 8;
    static final int C_TRANSACTIONS = 20_000;
    static final int H_CONNECTIONS = 9_000;
    /** Scenario U: request/response pairs at full scale. */
    static final int U_DATAGRAMS = 200_000;
    static final Duration H_HOLD = Duration.ofSeconds(10);
    /**
     * One warm-up round before C: an eighth of the run, at most this many; rounds repeat until the proxy's
     * CPU per transaction settles ({@link Warmup}). A JVM proxy compiles its per-connection code only
     * after thousands of calls (C2's thresholds) and keeps compiling for tens of seconds. A proxy without
     * a JIT is settled after the first six rounds, 15,000 transactions at full scale. Every transaction
     * leaves ports in TIME_WAIT, and a proxy that binds its outgoing sockets (3proxy, Dante) runs out
     * of the 28,232 ephemeral ports beyond about 28,000 transactions a minute: measure those peers' C
     * at {@code --scale 0.5} in a run of their own.
     */
    static final int MAX_WARMUP = 2_500;
    /** Most warm-up rounds by default (C: 60,000 transactions at full scale; T1/T8: 6 GiB). */
    static final int DEFAULT_WARMUP_ROUNDS = 24;
    private static final long MIN_BYTES = 64 * 1024;
    /** Most passes: each measures every target once more. */
    static final int MAX_PASSES = 9;

    /** A socks5d configuration to measure. */
    public enum Variant {
        AUTH_DISSECT("auth+dissect", true, true, false),
        AUTH_NODISSECT("auth-nodissect", true, false, false),
        NOAUTH_DISSECT("noauth+dissect", false, true, false),
        NOAUTH_NODISSECT("noauth-nodissect", false, false, false),
        /** auth+dissect with every limit on and never reached (as {@code --limits}), beside the others in one run. */
        AUTH_DISSECT_LIMITS("auth+dissect+limits", true, true, true);

        private final String label;
        private final boolean auth;
        private final boolean dissectors;
        private final boolean limits;

        Variant(String label, boolean auth, boolean dissectors, boolean limits) {
            this.label = label;
            this.auth = auth;
            this.dissectors = dissectors;
            this.limits = limits;
        }

        /** This variant's settings on top of {@code --proxy-config}'s. */
        public Map<String, String> config(Map<String, String> proxyConfig) {
            if (!limits) {
                return proxyConfig;
            }
            Map<String, String> all = new LinkedHashMap<>(proxyConfig);
            all.putAll(LIMITS_NOT_REACHED);
            return all;
        }

        public String label() {
            return label;
        }

        public boolean auth() {
            return auth;
        }

        public boolean dissectors() {
            return dissectors;
        }

        static Variant parse(String s) {
            for (Variant v : values()) {
                if (v.label.equalsIgnoreCase(s.trim())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown variant " + s + " (auth+dissect, auth-nodissect, "
                    + "noauth+dissect, noauth-nodissect, auth+dissect+limits)");
        }
    }

    static final String USAGE = """
            Usage: java -jar socks5d-bench.jar [options]
              --proxy-jar PATH      socks5d.jar to measure (without it: direct and peers only)
              --java PATH           java for the proxy (default: this JVM's)
              --jvm-flags "FLAGS"   flags for the proxy JVM, space-separated (e.g. "-Xmx512m -XX:+UseG1GC")
              --proxy-config K=V    extra HOCON setting for socks5d; repeatable
              --limits              every limit of socks5d set, high enough never to be reached (per address
                                    on loopback too, per user sessions and a 100 GB/s bandwidth that shapes
                                    every session): the same run with and without it shows what limits cost
              --scenarios LIST      T1,T8,C,H,U (default all)
              --scale F             multiplies sizes and the hold time (default 1.0; 0.1 for a quick run)
              --variants LIST       auth+dissect,auth-nodissect,noauth+dissect,noauth-nodissect (default: these
                                    four), auth+dissect+limits (auth+dissect with --limits' settings, so one
                                    run measures both)
              --peer NAME=CMD       also measure a peer proxy; repeatable. microsocks=/usr/bin/microsocks,
                                    dante=/usr/sbin/danted (authenticates only if a system user bench with
                                    password bench exists and this runs as root), 3proxy=PATH/bin/3proxy
                                    (3proxy-noauth=PATH: without authentication), or a command template
                                    with {host} {port} {user} {pass}; peers not installed are skipped
              --pekko-relay         also measure a bare Pekko Streams TCP relay (no SOCKS; C is then
                                    connect, 64 B echo, close), started with --jvm-flags: what Pekko's
                                    own per-connection machinery costs on this machine
              --concurrency N       concurrency of C and of opening H connections (default 64)
              --warmup-rounds N     most warm-up rounds before C (an eighth of C each, at most 2,500
                                    transactions) and before T1/T8 (an eighth of T1 each): rounds stop,
                                    after at least ten, once three in a row cost the proxy the same CPU
                                    per unit within 10 % and its JIT compiler and the benchmark's are
                                    quiet (default 24; fewer caps the warm-up)
              --passes N            measure everything N times (1-9, default 1), each pass direct first
                                    and then the proxies in an order turned by one from the pass before,
                                    each started afresh; the table gives each figure's median and every
                                    pass's headline
              --interleave          T1, T8 and C only: start every proxy together, warm each up, then
                                    measure each scenario in ten slices, each target in turn (direct
                                    too), so that all are measured in the same moments of a shared
                                    machine; the ratio to direct is the median of the slices' ratios
              --verify              check every downloaded byte against the source pattern
              --keep-logs           keep each proxy's scratch directory and log
              --out FILE            JSON results (default bench-results.json)
              --startup-timeout S   seconds to wait for a proxy to accept (default 60)
              -h, --help            this help
            """;

    /**
     * {@code --limits}: socks5d's limits (docs/operations.md, Limits) all on and never reached, so the
     * benchmark measures their cost on the data plane: the per-address counts (loopback included),
     * the per-user session count and a bandwidth bucket every authenticated session draws from.
     */
    static final Map<String, String> LIMITS_NOT_REACHED = Map.of(
            "socks5d.proxy.limits.per-address.exempt-loopback", "off",
            "socks5d.proxy.limits.per-address.max-connections", "1000000",
            "socks5d.proxy.limits.per-address.new-per-second", "10000000",
            "socks5d.proxy.limits.per-user.max-sessions", "1000000",
            "socks5d.proxy.limits.per-user.bandwidth", "100000000000");

    /** Defaults: every scenario and variant, full scale. */
    public static BenchmarkOptions defaults() {
        return parse(new String[0]);
    }

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException with a one-line reason on a bad flag or value
     */
    public static BenchmarkOptions parse(String[] args) {
        Path jar = null;
        Path java = ProcessHandle.current().info().command().map(Path::of).orElse(Path.of("java"));
        List<String> jvmFlags = List.of();
        Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
        double scale = 1.0;
        List<Variant> variants = List.of(Variant.AUTH_DISSECT, Variant.AUTH_NODISSECT, Variant.NOAUTH_DISSECT,
                Variant.NOAUTH_NODISSECT);
        Map<String, String> peers = new LinkedHashMap<>();
        boolean pekkoRelay = false;
        Map<String, String> config = new LinkedHashMap<>();
        int concurrency = 64;
        int warmupRounds = DEFAULT_WARMUP_ROUNDS;
        int passes = 1;
        boolean interleave = false;
        boolean verify = false;
        boolean keepLogs = false;
        Path out = Path.of("bench-results.json");
        Duration startup = Duration.ofSeconds(60);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--proxy-jar" -> jar = Path.of(value(args, ++i, a));
                case "--java" -> java = Path.of(value(args, ++i, a));
                case "--jvm-flags" -> jvmFlags = words(value(args, ++i, a));
                case "--proxy-config" -> {
                    String[] kv = pair(value(args, ++i, a), a);
                    config.put(kv[0], kv[1]);
                }
                case "--limits" -> config.putAll(LIMITS_NOT_REACHED);
                case "--scenarios" -> {
                    scenarios = EnumSet.noneOf(Scenario.class);
                    for (String s : value(args, ++i, a).split(",")) {
                        try {
                            scenarios.add(Scenario.parse(s));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("unknown scenario " + s + " (T1, T8, C, H)");
                        }
                    }
                }
                case "--scale" -> {
                    scale = number(value(args, ++i, a), a);
                    if (!(scale > 0)) {
                        throw new IllegalArgumentException("--scale must be positive");
                    }
                }
                case "--variants" -> {
                    List<Variant> vs = new ArrayList<>();
                    for (String s : value(args, ++i, a).split(",")) {
                        vs.add(Variant.parse(s));
                    }
                    variants = List.copyOf(vs);
                }
                case "--peer" -> {
                    String[] kv = pair(value(args, ++i, a), a);
                    peers.put(kv[0], kv[1]);
                }
                case "--pekko-relay" -> pekkoRelay = true;
                case "--concurrency" -> concurrency = (int) number(value(args, ++i, a), a);
                case "--warmup-rounds" -> warmupRounds = (int) number(value(args, ++i, a), a);
                case "--passes" -> passes = (int) number(value(args, ++i, a), a);
                case "--interleave" -> interleave = true;
                case "--verify" -> verify = true;
                case "--keep-logs" -> keepLogs = true;
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--startup-timeout" -> startup = Duration.ofSeconds((long) number(value(args, ++i, a), a));
                case "-h", "--help" -> throw new HelpRequested();
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1");
        }
        if (warmupRounds < 1) {
            throw new IllegalArgumentException("--warmup-rounds must be at least 1");
        }
        if (passes < 1 || passes > MAX_PASSES) {
            throw new IllegalArgumentException("--passes must be 1.." + MAX_PASSES);
        }
        if (interleave && (scenarios.contains(Scenario.H) || scenarios.contains(Scenario.U))) {
            throw new IllegalArgumentException("--interleave measures T1, T8 and C: give --scenarios without H and U");
        }
        return new BenchmarkOptions(jar, java, jvmFlags, Set.copyOf(scenarios), scale, variants,
                Collections.unmodifiableMap(peers), // in the order given: the order they are measured in
                pekkoRelay, Map.copyOf(config), concurrency, warmupRounds, passes, interleave, verify, keepLogs, out, startup, Duration.ofSeconds(30));
    }

    /** Thrown by {@link #parse} for -h. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("help", null, false, false);
        }
    }

    long t1Bytes() {
        return Math.max(MIN_BYTES, (long) (T1_BYTES * scale));
    }

    long t8BytesEach() {
        return Math.max(MIN_BYTES, (long) (T8_BYTES * scale));
    }

    int transactions() {
        return Math.max(10, (int) (C_TRANSACTIONS * scale));
    }

    /** Round trips of scenario U at this scale (at least 100). */
    int udpDatagrams() {
        return (int) Math.max(100, Math.round(U_DATAGRAMS * scale()));
    }

    int warmup() {
        return Math.min(MAX_WARMUP, Math.max(1, transactions() / 8));
    }

    /** One download warm-up round before T1 and T8: an eighth of T1. */
    long downloadWarmupBytes() {
        return Math.max(1, t1Bytes() / 8);
    }

    int heldConnections() {
        return Math.max(2, (int) (H_CONNECTIONS * scale));
    }

    Duration hold() {
        return Duration.ofMillis((long) (H_HOLD.toMillis() * Math.min(1.0, scale)));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static String[] pair(String s, String flag) {
        int eq = s.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(flag + " wants NAME=VALUE, got " + s);
        }
        return new String[] {s.substring(0, eq).trim(), s.substring(eq + 1).trim()};
    }

    private static double number(String s, String flag) {
        try {
            return Double.parseDouble(s.toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: " + s);
        }
    }

    private static List<String> words(String s) {
        String t = s.trim();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
