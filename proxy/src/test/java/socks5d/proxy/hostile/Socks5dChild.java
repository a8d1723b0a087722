package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.process.ChildProcess;
import socks5d.testkit.process.Socks5dPorts;

/**
 * socks5d started from {@code target/socks5d.jar} as a child process for the hostile-client tests:
 * SOCKS and all three management listeners on free loopback ports, optionally under a
 * low {@code ulimit -n}; it reads the child's descriptor count and resident memory from /proc and
 * its counters over PCTP STATS. Two ADMIN users: {@link #USER} for the tests' own checks and
 * {@link #FUZZ_USER} for the fuzzer, so that a fuzzed management command can never lock the checks
 * out. Threading: the test thread; the probes may be called from any thread.
 */
final class Socks5dChild implements AutoCloseable {
    static final String USER = "admin";
    static final String PASSWORD = "secret";
    static final String FUZZ_USER = "fuzz";
    static final String FUZZ_PASSWORD = "fuzz";
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private final ChildProcess child;
    final Process process;
    final Path dir;
    /** SOCKS, MCP, MASS and PCTP on free ports; no HTTP admin. */
    final Socks5dPorts ports;

    private Socks5dChild(ChildProcess child, Path dir, Socks5dPorts ports) {
        this.child = child;
        this.process = child.process();
        this.dir = dir;
        this.ports = ports;
    }

    /**
     * Starts the jar with {@code -Xmx256m}, {@code extraConfig} (HOCON lines) and, when
     * {@code ulimit > 0}, under {@code ulimit -n ulimit}.
     */
    static Socks5dChild start(String extraConfig, int ulimit) throws Exception {
        Path dir = Files.createTempDirectory("socks5d-hostile");
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, "socks5d.management.users.hash-iterations = 1000\n"
                + "socks5d.proxy.shutdown-grace = 2s\n"
                // names never leave loopback: a dead loopback nameserver (fuzzed names would reach the real one)
                + "socks5d.proxy.dns.nameservers = [\"127.0.0.1:1\"]\n"
                + "socks5d.proxy.resolve-timeout = 2s\n" + extraConfig + "\n");
        Path jar = Path.of("target", "socks5d.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
        Socks5dPorts ports = Socks5dPorts.freeWithoutHttp();
        List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx256m", "-jar", jar.toString()));
        cmd.addAll(ports.flags());
        cmd.addAll(List.of("-u", USER + ":" + PASSWORD, "-u", FUZZ_USER + ":" + FUZZ_PASSWORD,
                "--data-dir", dir.resolve("data").toString(), "--config", conf.toString()));
        if (ulimit > 0) {
            StringBuilder line = new StringBuilder("ulimit -n " + ulimit + " && exec");
            cmd.forEach(a -> line.append(" '").append(a).append('\''));
            cmd = List.of("bash", "-c", line.toString());
        }
        ChildProcess child = ChildProcess.of("socks5d", cmd)
                .output(dir.resolve("stdout"), dir.resolve("stderr"))
                .awaitPorts(ports.pctp(), ports.socks()) // management binds first, SOCKS last
                .stopGrace(Duration.ofSeconds(15))
                .start();
        return new Socks5dChild(child, dir, ports);
    }

    InetSocketAddress socksAddress() {
        return new InetSocketAddress(LO, ports.socks());
    }

    Socks5Client client() {
        return Socks5Client.to(socksAddress()).withAuth(USER, PASSWORD)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** A full CONNECT to {@code echoPort} and one echoed message; returns the milliseconds it took. */
    long servedMillis(int echoPort) throws IOException {
        long t0 = System.nanoTime();
        try (Socks5Result r = client().connect(LO, echoPort)) {
            assertEquals(0, r.reply(), "CONNECT reply");
            byte[] msg = "still served".getBytes(StandardCharsets.US_ASCII);
            r.socket().getOutputStream().write(msg);
            byte[] back = r.socket().getInputStream().readNBytes(msg.length);
            assertArrayEquals(msg, back, "echo");
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Open descriptors of the child: entries of /proc/PID/fd. */
    long fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new AssertionError("cannot read the child's descriptors", e);
        }
    }

    /** VmRSS of the child in KiB. */
    long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the child's memory", e);
        }
        throw new AssertionError("no VmRSS");
    }

    /** Child CPU time (user + system) in clock ticks, from /proc/PID/stat. */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new AssertionError("cannot read the child's CPU time", e);
        }
    }

    /** Java heap in use after a full GC (jcmd GC.run, then GC.heap_info), KiB. */
    long heapUsedAfterGcKiB() throws IOException, InterruptedException {
        jcmd("GC.run");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K")
                .matcher(jcmd("GC.heap_info"));
        assertTrue(m.find(), "jcmd GC.heap_info output");
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jcmd " + command);
        return out;
    }

    /** Waits until {@code probe} is at most {@code limit}; returns the last value read. */
    static long awaitAtMost(LongSupplier probe, long limit, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long v = probe.getAsLong();
        while (v > limit && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            v = probe.getAsLong();
        }
        return v;
    }

    /** PCTP STATS as {@code key -> value}, logged in as {@link #USER}. */
    Map<String, Long> stats() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LO, ports.pctp()), 5000);
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
            out.print("USER " + USER + "\r\nPASS " + PASSWORD + "\r\nSTATS\r\n");
            out.flush();
            assertTrue(in.readLine().startsWith("+OK"));
            assertTrue(in.readLine().startsWith("+OK"));
            Map<String, Long> stats = new LinkedHashMap<>();
            String first = in.readLine();
            assertTrue(first != null && first.startsWith("+OK"), "STATS: " + first);
            for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {
                int colon = l.indexOf(": ");
                if (colon > 0) {
                    stats.put(l.substring(0, colon), Long.parseLong(l.substring(colon + 2).trim()));
                }
            }
            return stats;
        }
    }

    /** Waits until PCTP STATS shows no open SOCKS connection; returns the last current_connections. */
    long awaitNoCurrentConnections(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long current = stats().get("current_connections");
        while (current > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            current = stats().get("current_connections");
        }
        return current;
    }

    String stderr() {
        try {
            return Files.readString(dir.resolve("stderr")) + Files.readString(dir.resolve("stdout"))
                    .lines().filter(l -> !l.contains("\tA\t")).reduce("", (a, b) -> a + b + "\n");
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        child.close();
    }

    static int intProperty(String name, int ciDefault) {
        return Integer.getInteger(name, ciDefault);
    }
}
