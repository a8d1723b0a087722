package socks5d.testkit.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Socket-level fuzzer: sends random and mutated-valid inputs to the SOCKS5 port and to
 * the MCP, MASS and PCTP management ports (docs/protocols/), one input per connection, and records
 * what happened. It builds its own bytes from the specifications, independently of the proxy's and
 * the management module's codecs, so the testkit depends on neither and a bug the codecs share
 * still shows.
 *
 * <p>Each input: connect, write the input (in one write or in a few pieces), then read the answer
 * for a short while, and close, most often with an RST (SO_LINGER 0) so that a large run does not
 * exhaust loopback ports with TIME_WAIT, sometimes with a FIN or a half-close. Valid frames carry
 * the fuzzer's own names and, for the management logins, the credentials it is given; mutations
 * are bit flips, byte overwrites with boundary values, insertions, deletions, truncation,
 * duplication and length fields set to extremes.
 *
 * <p>Deterministic for a seed (per input: seed + index). Threading: {@code concurrency} worker
 * threads, each input confined to one; the counters are atomics.
 *
 * <p>Command line: {@code java -cp socks5d-bench.jar socks5d.testkit.load.Fuzzer --socks PORT
 * [--mcp PORT] [--mass PORT] [--pctp PORT] [--host 127.0.0.1] [--inputs 100000] [--concurrency 4]
 * [--seed N] [--user fuzz --password fuzz] [--read-millis 100]}
 */
public final class Fuzzer {
    /** The protocols it speaks. */
    public enum Protocol { SOCKS5, MCP, MASS, PCTP }

    /** What one protocol's run did. */
    public record Outcome(Protocol protocol, long inputs, long connectFailures, long answered, long closedByServer,
                          long bytesSent, long bytesReceived, double seconds) {
        @Override
        public String toString() {
            return String.format("%-6s inputs=%d connectFailures=%d answered=%d closedByServer=%d sent=%dB"
                            + " received=%dB %.1fs (%.0f/s)", protocol, inputs, connectFailures, answered,
                    closedByServer, bytesSent, bytesReceived, seconds, inputs / Math.max(seconds, 1e-9));
        }
    }

    private static final int[] INTERESTING = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x7F, 0x80, 0xFE, 0xFF};
    private static final int MAX_RANDOM = 600;
    private static final int MAX_MUTATIONS = 4;
    private static final int CONNECT_MILLIS = 2000;
    private static final int READ_LIMIT = 64 * 1024;

    private final InetSocketAddress host;
    private final String user;
    private final String password;
    private final int concurrency;
    private final long seed;
    private final int readMillis;

    public Fuzzer(InetSocketAddress host, String user, String password, int concurrency, long seed, int readMillis) {
        this.host = host;
        this.user = user;
        this.password = password;
        this.concurrency = concurrency;
        this.seed = seed;
        this.readMillis = readMillis;
    }

    /** Sends {@code inputs} inputs of {@code protocol} to {@code port} on the fuzzer's host. */
    public Outcome run(Protocol protocol, int port, int inputs) throws InterruptedException {
        InetSocketAddress target = new InetSocketAddress(host.getAddress(), port);
        AtomicInteger next = new AtomicInteger();
        AtomicLong connectFailures = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong closed = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "fuzz-" + protocol);
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < inputs; ) {
                    SplittableRandom rnd = new SplittableRandom(seed * 31 + protocol.ordinal() * 1_000_003L + i);
                    byte[] input = input(protocol, rnd);
                    one(target, input, rnd, connectFailures, answered, closed, sent, received);
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : workers) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("fuzz worker failed", e.getCause());
            }
        }
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return new Outcome(protocol, inputs, connectFailures.get(), answered.get(), closed.get(), sent.get(),
                received.get(), (System.nanoTime() - t0) / 1e9);
    }

    private void one(InetSocketAddress target, byte[] input, SplittableRandom rnd, AtomicLong connectFailures,
                     AtomicLong answered, AtomicLong closed, AtomicLong sent, AtomicLong received) {
        Socket s = new Socket();
        try {
            s.connect(target, CONNECT_MILLIS);
        } catch (IOException e) {
            connectFailures.incrementAndGet();
            closeQuietly(s);
            return;
        }
        int ending = rnd.nextInt(8);
        try {
            s.setSoTimeout(readMillis);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            if (rnd.nextInt(4) == 0 && input.length > 1) {
                // in pieces, to reach the decoders' partial-frame paths
                int at = 0;
                while (at < input.length) {
                    int n = Math.min(input.length - at, 1 + rnd.nextInt(Math.max(1, input.length / 3)));
                    out.write(input, at, n);
                    out.flush();
                    at += n;
                }
            } else {
                out.write(input);
            }
            sent.addAndGet(input.length);
            if (ending == 0) {
                s.shutdownOutput();
            }
            if (ending <= 3) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                long got = 0;
                try {
                    for (int n; got < READ_LIMIT && (n = in.read(buf)) >= 0; ) {
                        got += n;
                    }
                    if (got < READ_LIMIT) {
                        closed.incrementAndGet();
                    }
                } catch (SocketTimeoutException quiet) {
                    // the server waits for more: fine, we go away
                }
                if (got > 0) {
                    answered.incrementAndGet();
                    received.addAndGet(got);
                }
            }
            if (ending != 7) {
                s.setSoLinger(true, 0); // RST: no TIME_WAIT on our side, and an abort for the server to handle
            }
        } catch (IOException e) {
            closed.incrementAndGet(); // reset by the server while we wrote or read
        } finally {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    // ---- inputs ----

    /** One input: a quarter pure random bytes, the rest valid conversations with a few mutations (or none). */
    byte[] input(Protocol p, SplittableRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            return randomBytes(rnd, rnd.nextInt(20) == 0 ? 70_000 : MAX_RANDOM);
        }
        byte[] valid = switch (p) {
            case SOCKS5 -> socks5(rnd);
            case MCP -> mcp(rnd);
            case MASS -> mass(rnd);
            case PCTP -> pctp(rnd);
        };
        int mutations = rnd.nextInt(MAX_MUTATIONS + 1);
        for (int m = 0; m < mutations; m++) {
            valid = mutate(valid, rnd);
        }
        return valid;
    }

    private static byte[] randomBytes(SplittableRandom rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        if (b.length > 0 && rnd.nextBoolean()) {
            b[0] = (byte) (rnd.nextBoolean() ? 0x05 : 0x01); // get past the first VER check more often
        }
        return b;
    }

    static byte[] mutate(byte[] in, SplittableRandom rnd) {
        if (in.length == 0) {
            return new byte[] {(byte) INTERESTING[rnd.nextInt(INTERESTING.length)]};
        }
        byte[] b = in.clone();
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(7)) {
            case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b[at] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 2 -> b[at] = (byte) rnd.nextInt(256);
            case 3 -> {
                byte[] r = new byte[b.length + 1 + rnd.nextInt(16)];
                System.arraycopy(b, 0, r, 0, at);
                for (int i = at; i < at + r.length - b.length; i++) {
                    r[i] = (byte) rnd.nextInt(256);
                }
                System.arraycopy(b, at, r, at + r.length - b.length, b.length - at);
                return r;
            }
            case 4 -> {
                int n = 1 + rnd.nextInt(Math.min(8, b.length - at));
                byte[] r = new byte[b.length - n];
                System.arraycopy(b, 0, r, 0, at);
                System.arraycopy(b, at + n, r, at, b.length - at - n);
                return r;
            }
            case 5 -> {
                return java.util.Arrays.copyOf(b, at);
            }
            default -> {
                byte[] r = new byte[b.length + (b.length - at)];
                System.arraycopy(b, 0, r, 0, b.length);
                System.arraycopy(b, at, r, b.length, b.length - at);
                return r;
            }
        }
        return b;
    }

    private byte[] name(SplittableRandom rnd) {
        int len = rnd.nextInt(10) == 0 ? 255 : 1 + rnd.nextInt(12);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) ('a' + rnd.nextInt(26));
        }
        b[0] = 'z'; // the fuzzer's names start with "zz", never one of the checkers' users
        if (len > 1) {
            b[1] = 'z';
        }
        return b;
    }

    private static void lenPrefixed(ByteArrayOutputStream out, byte[] field) {
        out.write(field.length);
        out.writeBytes(field);
    }

    /** RFC 1929 §2 with the fuzzer's credentials, or random ones. */
    private byte[] userPass(SplittableRandom rnd, boolean own) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x01);
        lenPrefixed(out, own ? user.getBytes(StandardCharsets.UTF_8) : name(rnd));
        lenPrefixed(out, own ? password.getBytes(StandardCharsets.UTF_8) : name(rnd));
        return out.toByteArray();
    }

    /** RFC 1928 §3-§4 greeting, RFC 1929 login and a request to a loopback port or a name. */
    private byte[] socks5(SplittableRandom rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int nMethods = 1 + rnd.nextInt(3);
        out.write(0x05);
        out.write(nMethods);
        for (int i = 0; i < nMethods; i++) {
            out.write(rnd.nextInt(3) == 0 ? rnd.nextInt(256) : 0x02);
        }
        if (rnd.nextInt(5) == 0) {
            return out.toByteArray();
        }
        out.writeBytes(userPass(rnd, rnd.nextInt(3) != 0));
        out.write(0x05);
        out.write(1 + rnd.nextInt(3)); // CONNECT, BIND, UDP ASSOCIATE
        out.write(0x00);
        switch (rnd.nextInt(3)) {
            case 0 -> {
                out.write(0x01);
                out.writeBytes(new byte[] {127, 0, 0, 1});
            }
            case 1 -> {
                out.write(0x04);
                byte[] v6 = new byte[16];
                v6[15] = 1;
                out.writeBytes(v6);
            }
            default -> {
                out.write(0x03);
                // names that resolve from /etc/hosts or as literals: nothing leaves loopback
                lenPrefixed(out, (rnd.nextBoolean() ? "localhost" : "127.0.0.1").getBytes(StandardCharsets.US_ASCII));
            }
        }
        // port 9 (discard) or the target's own listener port range: usually refused quickly on loopback
        int port = rnd.nextBoolean() ? 9 : 1 + rnd.nextInt(1023);
        out.write(port >>> 8);
        out.write(port & 0xFF);
        if (rnd.nextBoolean()) {
            out.writeBytes(randomBytes(rnd, 64));
        }
        return out.toByteArray();
    }

    /** MCP: one to three requests VER=01 CMD LEN(2) PAYLOAD, with GET_METRICS, LIST_USERS, ADD/REMOVE_USER, TOGGLE. */
    private byte[] mcp(SplittableRandom rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int frames = 1 + rnd.nextInt(3);
        for (int f = 0; f < frames; f++) {
            int cmd = rnd.nextInt(6);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            switch (cmd) {
                case 2 -> {
                    lenPrefixed(payload, name(rnd));
                    lenPrefixed(payload, name(rnd));
                }
                case 3 -> lenPrefixed(payload, name(rnd));
                case 4 -> payload.write(rnd.nextInt(2));
                case 5 -> payload.writeBytes(randomBytes(rnd, 32));
                default -> {
                    // no payload
                }
            }
            byte[] p = payload.toByteArray();
            out.write(0x01);
            out.write(cmd == 5 ? rnd.nextInt(256) : cmd);
            int len = rnd.nextInt(20) == 0 ? 0xFFFF : p.length;
            out.write(len >>> 8);
            out.write(len & 0xFF);
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** MASS: method negotiation (VER 01), RFC 1929 login, one request with index 00..0D or another. */
    private byte[] mass(SplittableRandom rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x01);
        out.write(0x01);
        out.write(rnd.nextInt(4) == 0 ? 0x00 : 0x02);
        out.writeBytes(userPass(rnd, rnd.nextInt(4) != 0));
        int index = rnd.nextInt(16);
        out.write(index);
        switch (index) {
            case 0x0A -> {
                lenPrefixed(out, name(rnd));
                lenPrefixed(out, name(rnd));
            }
            case 0x0B -> lenPrefixed(out, name(rnd));
            // 0x0C would switch SOCKS authentication; the fuzzer keeps it on (00) so the checks stay valid
            case 0x0C -> out.write(0x00);
            case 0x0D -> out.write(rnd.nextInt(2));
            default -> {
                if (rnd.nextBoolean()) {
                    out.writeBytes(randomBytes(rnd, 16));
                }
            }
        }
        return out.toByteArray();
    }

    private static final String[] PCTP = {"STATS", "LOGS", "LOGS 5", "LOGS -1", "LOGS 99999999999", "LIST",
        "CONFIG IO=4096", "CONFIG IO=1", "CONFIG IO=x", "ADD BASIC", "ADD ADMIN", "ADD NOBODY", "DEL %s",
        "USER %s", "PASS %s", "EXIT", "NOOP", ""};

    /** PCTP: optional login, then a few commands, lines ending LF or CRLF, some overlong. */
    private byte[] pctp(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        if (rnd.nextInt(4) != 0) {
            sb.append("USER ").append(user).append("\r\nPASS ").append(password).append("\r\n");
        }
        int lines = 1 + rnd.nextInt(4);
        for (int i = 0; i < lines; i++) {
            String cmd = PCTP[rnd.nextInt(PCTP.length)];
            String name = new String(name(rnd), StandardCharsets.US_ASCII);
            if (cmd.startsWith("ADD ")) {
                sb.append(cmd).append("\r\nUSER ").append(name).append("\r\nPASS ").append(name);
            } else if (cmd.equals("EXIT") && rnd.nextBoolean()) {
                sb.append("NOOP"); // keep the session open for the rest
            } else {
                sb.append(String.format(cmd, name));
            }
            if (rnd.nextInt(15) == 0) {
                sb.append("x".repeat(1000 + rnd.nextInt(3000)));
            }
            sb.append(rnd.nextBoolean() ? "\r\n" : "\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- command line ----

    public static void main(String[] args) throws Exception {
        Map<Protocol, Integer> ports = new EnumMap<>(Protocol.class);
        String hostName = "127.0.0.1";
        int inputs = 100_000;
        int concurrency = 4;
        long seed = 1;
        int readMillis = 100;
        String u = "fuzz";
        String pw = "fuzz";
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--socks" -> ports.put(Protocol.SOCKS5, Integer.parseInt(v));
                case "--mcp" -> ports.put(Protocol.MCP, Integer.parseInt(v));
                case "--mass" -> ports.put(Protocol.MASS, Integer.parseInt(v));
                case "--pctp" -> ports.put(Protocol.PCTP, Integer.parseInt(v));
                case "--host" -> hostName = v;
                case "--inputs" -> inputs = Integer.parseInt(v);
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--read-millis" -> readMillis = Integer.parseInt(v);
                case "--user" -> u = v;
                case "--password" -> pw = v;
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Fuzzer fuzzer = new Fuzzer(new InetSocketAddress(hostName, 0), u, pw, concurrency, seed, readMillis);
        for (Map.Entry<Protocol, Integer> e : ports.entrySet()) {
            System.out.println(fuzzer.run(e.getKey(), e.getValue(), inputs));
        }
    }
}
