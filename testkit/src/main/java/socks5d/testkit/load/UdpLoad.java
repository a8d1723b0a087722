package socks5d.testkit.load;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.testkit.client.Socks5Datagram;
import socks5d.testkit.client.UdpAssociation;

/**
 * The benchmark's UDP scenario: request/response pairs of fixed-size datagrams to a UDP echo target,
 * {@link Plan#inFlight()} of them outstanding at any time, sent either straight to the target or
 * through a SOCKS5 UDP association (RFC 1928 §7) with the testkit's own client ({@link Path}). It
 * runs for a count of datagrams or a duration, whichever ends first, waits a grace period for
 * stragglers, and reports round trips per second, loss (sent minus received after the grace period)
 * and the round-trip percentiles.
 *
 * <p>Each payload carries its sequence number (8 octets, big-endian, from 0), its send time
 * ({@link System#nanoTime()}, 8 octets) and then a pattern that depends on the sequence number, so any
 * echo, even a late one, yields its round trip, and duplicates and corrupted echoes are told apart from
 * answers. A request with no
 * answer after {@link Plan#expiry()} gives up its place in the window, so a lost datagram slows the
 * run by at most that long instead of stalling it; it still counts as received if its echo comes
 * later.
 *
 * <p>Threading: {@link #run} sends on the calling thread and receives on one daemon thread of its
 * own; they share the window (a semaphore), the table of outstanding requests (a concurrent map) and
 * the send counter; the receiver alone owns the round-trip array and the set of sequence numbers
 * seen. Both stop by themselves: the run is bounded by the plan's duration plus its grace period.
 */
public final class UdpLoad {
    private static final Logger log = LoggerFactory.getLogger(UdpLoad.class);
    /** Payload octets taken by the sequence number and the send time. */
    public static final int PAYLOAD_HEADER = Long.BYTES + Long.BYTES;
    /** The largest UDP payload over IPv4 (65,535 minus 20 of IP header and 8 of UDP header). */
    public static final int MAX_PAYLOAD = 65_507;
    /** The benchmark's window: request/response pairs in flight. */
    public static final int DEFAULT_IN_FLIGHT = 64;
    /** The benchmark's datagram size. */
    public static final int DEFAULT_PAYLOAD = 512;
    private static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(1);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);
    /** How often the receiver looks at its stop flag, and the sender at expired requests at least. */
    private static final Duration POLL = Duration.ofMillis(20);
    private static final long JOIN_MILLIS = 5_000;
    private static final double PERCENTILE_50 = 0.50;
    private static final double PERCENTILE_99 = 0.99;
    private static final double NANOS_PER_MILLI = 1e6;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double PERCENT = 100.0;

    private UdpLoad() {
    }

    /**
     * How datagrams reach the echo target and come back. The target is fixed when the path is made;
     * {@link #send} and {@link #receive} carry payloads only.
     *
     * <p>Threading: one thread sends while one other thread receives.
     */
    public interface Path extends AutoCloseable {
        /** Sends one payload towards the echo target. */
        void send(byte[] payload) throws IOException;

        /**
         * The next payload echoed back, or null if none arrived within {@code timeout}.
         *
         * @throws ProtocolException if what arrived is not a well-formed echo from the target
         */
        byte[] receive(Duration timeout) throws IOException;

        /** A short label for reports. */
        String label();

        @Override
        void close() throws IOException;

        /** Straight to {@code echo} from a UDP socket of its own, connected to it. */
        static Path direct(InetSocketAddress echo) throws IOException {
            return new Direct(echo);
        }

        /**
         * Through {@code association}'s relay to {@code echo}, by address: each payload is wrapped in and
         * unwrapped from the RFC 1928 §7 header, and an echo whose header names another sender is a
         * protocol error. The path owns the association from now on: {@link #close()} closes it.
         */
        static Path socks(UdpAssociation association, InetSocketAddress echo) {
            return new Socks(association, echo);
        }
    }

    /**
     * What to run.
     *
     * @param inFlight    request/response pairs outstanding at once
     * @param payloadSize octets per datagram, {@link #PAYLOAD_HEADER} to {@link #MAX_PAYLOAD}
     * @param count       datagrams to send, 0 for as many as {@code duration} allows
     * @param duration    the longest the sending may take, also when a count is given
     * @param expiry      how long a request may go unanswered before it leaves the window
     * @param grace       how long to wait after the last send for the echoes still outstanding
     */
    public record Plan(int inFlight, int payloadSize, long count, Duration duration, Duration expiry, Duration grace) {
        public Plan {
            if (inFlight < 1) {
                throw new IllegalArgumentException("inFlight " + inFlight);
            }
            if (payloadSize < PAYLOAD_HEADER || payloadSize > MAX_PAYLOAD) {
                throw new IllegalArgumentException("payloadSize " + payloadSize);
            }
            if (count < 0) {
                throw new IllegalArgumentException("count " + count);
            }
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(expiry, "expiry");
            Objects.requireNonNull(grace, "grace");
            if (duration.isNegative() || duration.isZero() || expiry.isNegative() || expiry.isZero()
                    || grace.isNegative()) {
                throw new IllegalArgumentException("duration and expiry are positive, grace is not negative");
            }
        }

        /** 64 pairs of 512-octet datagrams in flight for {@code duration}. */
        public static Plan forDuration(Duration duration) {
            return new Plan(DEFAULT_IN_FLIGHT, DEFAULT_PAYLOAD, 0, duration, DEFAULT_EXPIRY, DEFAULT_GRACE);
        }

        /** 64 pairs of 512-octet datagrams in flight until {@code count} were sent, for at most {@code cap}. */
        public static Plan forCount(long count, Duration cap) {
            if (count < 1) {
                throw new IllegalArgumentException("count " + count);
            }
            return new Plan(DEFAULT_IN_FLIGHT, DEFAULT_PAYLOAD, count, cap, DEFAULT_EXPIRY, DEFAULT_GRACE);
        }

        public Plan withInFlight(int n) {
            return new Plan(n, payloadSize, count, duration, expiry, grace);
        }

        public Plan withPayloadSize(int octets) {
            return new Plan(inFlight, octets, count, duration, expiry, grace);
        }

        public Plan withExpiry(Duration d) {
            return new Plan(inFlight, payloadSize, count, duration, d, grace);
        }

        public Plan withGrace(Duration d) {
            return new Plan(inFlight, payloadSize, count, duration, expiry, d);
        }
    }

    /**
     * What a run measured.
     *
     * @param label              the path's label
     * @param inFlight           the window
     * @param payloadSize        octets per datagram
     * @param sent               datagrams sent, those the socket refused included (they are lost too)
     * @param received           distinct echoes received, late ones included
     * @param lost               sent minus received, after the grace period
     * @param expired            requests that left the window unanswered while sending (some may have been
     *                           answered later; those still in the window at the end are not counted)
     * @param duplicates         echoes of a sequence number already received
     * @param corrupt            echoes that were not a payload sent by this run, or had the wrong content
     * @param sendErrors         sends the socket refused
     * @param seconds            the sending phase, first send to last
     * @param datagramsPerSecond distinct echoes per second of the sending phase: round trips, each one
     *                           datagram each way
     * @param p50Ms              median round trip, milliseconds (NaN if nothing came back)
     * @param p99Ms              99th percentile round trip, milliseconds (NaN if nothing came back)
     * @param maxMs              longest round trip, milliseconds (NaN if nothing came back)
     */
    public record Outcome(String label, int inFlight, int payloadSize, long sent, long received, long lost,
                          long expired, long duplicates, long corrupt, long sendErrors, double seconds,
                          double datagramsPerSecond, double p50Ms, double p99Ms, double maxMs) {
        /** Lost datagrams as a percentage of those sent (0 when none were sent). */
        public double lossPercent() {
            return sent == 0 ? 0 : PERCENT * lost / sent;
        }

        /** The figures by name, in the benchmark's style, for a {@link Result}. */
        public Map<String, Object> metrics() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inFlight", inFlight);
            m.put("payload", payloadSize);
            m.put("sent", sent);
            m.put("received", received);
            m.put("lost", lost);
            m.put("lossPercent", lossPercent());
            m.put("expired", expired);
            m.put("duplicates", duplicates);
            m.put("corrupt", corrupt);
            m.put("errors", sendErrors + corrupt);
            m.put("seconds", seconds);
            m.put("datagramsPerSec", datagramsPerSecond);
            m.put("p50Ms", p50Ms);
            m.put("p99Ms", p99Ms);
            m.put("maxMs", maxMs);
            return m;
        }
    }

    /** Runs {@code plan} over {@code path} and returns what it measured; the caller still owns the path. */
    public static Outcome run(Path path, Plan plan) throws IOException, InterruptedException {
        Run r = new Run(path, plan);
        return r.go();
    }

    /** One run's shared state: sender on the caller's thread, receiver on its own. */
    private static final class Run {
        private final Path path;
        private final Plan plan;
        private final Semaphore window;
        private final Map<Long, Long> outstanding = new ConcurrentHashMap<>();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong expired = new AtomicLong();
        private volatile boolean stopping;

        // owned by the receiver thread until it is joined
        private final BitSet seen = new BitSet();
        private long[] roundTrips = new long[DEFAULT_IN_FLIGHT];
        private int received;
        private long duplicates;
        private long corrupt;

        Run(Path path, Plan plan) {
            this.path = path;
            this.plan = plan;
            this.window = new Semaphore(plan.inFlight());
        }

        Outcome go() throws IOException, InterruptedException {
            Thread receiver = new Thread(this::receiveAll, "udp-load-rx");
            receiver.setDaemon(true);
            receiver.start();
            long sendErrors;
            long start = System.nanoTime();
            long end;
            try {
                sendErrors = sendAll(start);
                end = System.nanoTime();
                // every outstanding echo released its permit: nothing more is coming
                if (window.tryAcquire(plan.inFlight(), plan.grace().toNanos(), TimeUnit.NANOSECONDS)) {
                    window.release(plan.inFlight());
                }
            } finally {
                stopping = true;
                receiver.join(JOIN_MILLIS);
            }
            if (receiver.isAlive()) {
                throw new IOException("the receiver did not stop within " + JOIN_MILLIS + " ms");
            }
            long[] rtt = Arrays.copyOf(roundTrips, received);
            Arrays.sort(rtt);
            double seconds = (end - start) / NANOS_PER_SECOND;
            long s = sent.get();
            return new Outcome(path.label(), plan.inFlight(), plan.payloadSize(), s, received, s - received,
                    expired.get(), duplicates, corrupt, sendErrors, seconds,
                    seconds > 0 ? received / seconds : 0, percentile(rtt, PERCENTILE_50),
                    percentile(rtt, PERCENTILE_99), rtt.length == 0 ? Double.NaN : rtt[rtt.length - 1] / NANOS_PER_MILLI);
        }

        /** Sends until the count or the duration is reached, one permit of the window per datagram. */
        private long sendAll(long start) throws InterruptedException {
            long deadline = start + plan.duration().toNanos();
            long expiry = plan.expiry().toNanos();
            long poll = Math.min(POLL.toNanos(), expiry);
            long nextSweep = start + poll;
            long errors = 0;
            byte[] payload = new byte[plan.payloadSize()];
            ByteBuffer stamp = ByteBuffer.wrap(payload);
            while (true) {
                long now = System.nanoTime();
                if (now - deadline >= 0 || (plan.count() > 0 && sent.get() >= plan.count())) {
                    return errors;
                }
                if (now - nextSweep >= 0) {
                    sweep(now, expiry);
                    nextSweep = now + poll;
                }
                if (!window.tryAcquire(Math.min(poll, deadline - now), TimeUnit.NANOSECONDS)) {
                    continue;
                }
                long seq = sent.get();
                long at = System.nanoTime();
                stamp.putLong(0, seq).putLong(Long.BYTES, at);
                fill(payload, seq);
                // in the table before the send, so an echo faster than this thread finds it
                outstanding.put(seq, at);
                sent.incrementAndGet();
                try {
                    path.send(payload);
                } catch (IOException e) {
                    errors++;
                    if (outstanding.remove(seq) != null) {
                        window.release();
                    }
                    if (errors == 1) {
                        log.warn("UDP send failed (first of this run): [{}]", e.toString());
                    }
                }
            }
        }

        /** Requests unanswered for longer than {@code expiry} leave the window; the receiver may still count them. */
        private void sweep(long now, long expiry) {
            for (Map.Entry<Long, Long> e : outstanding.entrySet()) {
                if (now - e.getValue() > expiry && outstanding.remove(e.getKey()) != null) {
                    expired.incrementAndGet();
                    window.release();
                }
            }
        }

        private void receiveAll() {
            while (!stopping) {
                byte[] echo;
                try {
                    echo = path.receive(POLL);
                } catch (ProtocolException e) {
                    corrupt++;
                    log.debug("UDP echo malformed: [{}]", e.getMessage());
                    continue;
                } catch (IOException e) {
                    if (!stopping) {
                        log.warn("UDP receive failed, receiver stops: [{}]", e.toString());
                    }
                    return;
                }
                if (echo != null) {
                    accept(echo, System.nanoTime());
                }
            }
        }

        private void accept(byte[] echo, long now) {
            if (echo.length != plan.payloadSize()) {
                corrupt++;
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(echo);
            long seq = b.getLong(0);
            long at = b.getLong(Long.BYTES);
            if (seq < 0 || seq >= sent.get() || seq > Integer.MAX_VALUE || !filled(echo, seq)) {
                corrupt++;
                return;
            }
            if (seen.get((int) seq)) {
                duplicates++;
                return;
            }
            seen.set((int) seq);
            if (outstanding.remove(seq) != null) {
                window.release();
            }
            if (received == roundTrips.length) {
                roundTrips = Arrays.copyOf(roundTrips, roundTrips.length * 2);
            }
            roundTrips[received++] = now - at;
        }
    }

    /** The payload after its header: a pattern that depends on the sequence number, so a mix-up shows. */
    private static void fill(byte[] payload, long seq) {
        for (int i = PAYLOAD_HEADER; i < payload.length; i++) {
            payload[i] = (byte) (i + seq);
        }
    }

    private static boolean filled(byte[] payload, long seq) {
        for (int i = PAYLOAD_HEADER; i < payload.length; i++) {
            if (payload[i] != (byte) (i + seq)) {
                return false;
            }
        }
        return true;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / NANOS_PER_MILLI;
    }

    /** {@link Path#direct}: a connected UDP socket. */
    private static final class Direct implements Path {
        private static final int SOCKET_BUFFER = 1024 * 1024;
        private final DatagramSocket socket;
        private final InetSocketAddress echo;
        private final byte[] buffer = new byte[MAX_PAYLOAD];
        private int timeoutMillis = -1;

        Direct(InetSocketAddress echo) throws IOException {
            this.echo = echo;
            this.socket = new DatagramSocket();
            try {
                socket.setReceiveBufferSize(SOCKET_BUFFER);
                socket.setSendBufferSize(SOCKET_BUFFER);
                socket.connect(echo);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        @Override
        public void send(byte[] payload) throws IOException {
            socket.send(new DatagramPacket(payload, payload.length));
        }

        @Override
        public byte[] receive(Duration timeout) throws IOException {
            int millis = (int) Math.max(1, timeout.toMillis());
            if (millis != timeoutMillis) {
                socket.setSoTimeout(millis);
                timeoutMillis = millis;
            }
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
        }

        @Override
        public String label() {
            return "direct udp " + echo;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** {@link Path#socks}: through a UDP association's relay. */
    private static final class Socks implements Path {
        private final UdpAssociation association;
        private final InetSocketAddress echo;

        Socks(UdpAssociation association, InetSocketAddress echo) {
            this.association = association;
            this.echo = echo;
        }

        @Override
        public void send(byte[] payload) throws IOException {
            association.send(echo.getAddress(), echo.getPort(), payload);
        }

        @Override
        public byte[] receive(Duration timeout) throws IOException {
            Socks5Datagram d;
            try {
                d = association.receive(timeout);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (d.fragment() != 0 || !echo.equals(d.sender())) {
                throw new ProtocolException("echo names frag " + d.fragment() + " from " + d.sender() + ", not " + echo);
            }
            return d.data();
        }

        @Override
        public String label() {
            return "socks5 udp relay " + association.relay();
        }

        @Override
        public void close() throws IOException {
            association.close();
        }
    }
}
