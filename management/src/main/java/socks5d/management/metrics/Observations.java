package socks5d.management.metrics;

/**
 * What the data plane observes beyond the counters of {@link Metrics.Snapshot}, for the Prometheus
 * exposition (docs/operations.md, Prometheus metrics): payload per direction, replies per RFC 1928
 * reply code, credential reports of the dissectors, and the latency histograms. A value: the
 * {@link Latency} instances are copies that nobody changes after construction.
 *
 * @param bytesFromClient payload relayed from clients to destinations
 * @param bytesToClient   payload relayed from destinations to clients
 * @param replies         sessions ended per reply code: index 0..8 is the RFC 1928 code (0x00..0x08),
 *                        index 9 sessions that ended before any reply
 * @param credentials     credentials reported by the password dissectors
 * @param handshake       from accept to the first reply of the request (connect included)
 * @param connect         resolving, checking (ruleset) and connecting to the destination of a CONNECT,
 *                        failed and refused ones included
 */
public record Observations(long bytesFromClient, long bytesToClient, long[] replies, long credentials,
                           Latency handshake, Latency connect) {
    /** Slots of {@link #replies}: nine reply codes and "no reply". */
    public static final int REPLY_SLOTS = 10;
    /** The slot of sessions that ended before any reply. */
    public static final int NO_REPLY = 9;

    public static Observations empty() {
        return new Observations(0, 0, new long[REPLY_SLOTS], 0, new Latency(), new Latency());
    }

    /** The sum of this and {@code o}, as a new value. */
    public Observations plus(Observations o) {
        long[] r = replies.clone();
        for (int i = 0; i < REPLY_SLOTS; i++) {
            r[i] += o.replies[i];
        }
        Latency h = handshake.copy();
        h.add(o.handshake);
        Latency c = connect.copy();
        c.add(o.connect);
        return new Observations(bytesFromClient + o.bytesFromClient, bytesToClient + o.bytesToClient, r,
                credentials + o.credentials, h, c);
    }

    /** Sessions ended with reply {@code code} (0..8). */
    public long replies(int code) {
        return replies[code];
    }
}
