package socks5d.management.accesslog;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the access log (docs/protocols/socks5.md, Access log): writes one line per finished SOCKS
 * session to the logger {@code socks5d.access} (the only class that writes it) and keeps the last
 * entries in a ring for PCTP {@code LOGS [N]}. {@link #format} is pure; the ring is confined to the
 * actor.
 */
public final class AccessLog extends AbstractBehavior<AccessLog.Command> {
    /** The logger name of the product's access lines. */
    public static final String LOGGER = "socks5d.access";

    /**
     * One finished session.
     *
     * @param user          authenticated user name, or {@code null} when none
     * @param destination   as the client asked for it: name or address text; {@code null} if the
     *                      session ended before a request
     * @param replyCode     the RFC 1928 reply code sent, or the reply the session ended with
     * @param bytes         payload relayed, both directions
     * @param authenticated whether the session used RFC 1929 authentication
     * @param udp           for a UDP association (RFC 1928 §7) that was answered 0x00, its datagrams,
     *                      which the JSON line carries as fields of their own (its text line is an
     *                      {@code A} line like any session's); {@code null} for every other session
     */
    public record Entry(Instant time, String user, String clientAddress, int clientPort,
                        String destination, int destinationPort, int replyCode, long bytes,
                        boolean authenticated, Udp udp) {
        /** A TCP session (CONNECT, BIND, or a request that was refused). */
        public Entry(Instant time, String user, String clientAddress, int clientPort, String destination,
                     int destinationPort, int replyCode, long bytes, boolean authenticated) {
            this(time, user, clientAddress, clientPort, destination, destinationPort, replyCode, bytes,
                    authenticated, null);
        }
    }

    /**
     * What one UDP association relayed: datagrams and payload bytes (DATA, without the RFC 1928 §7
     * header) from the client to destinations ({@code in}) and from destinations to the client
     * ({@code out}).
     */
    public record Udp(long datagramsIn, long bytesIn, long datagramsOut, long bytesOut) {
    }

    public sealed interface Command {
    }

    public record Record(Entry entry) implements Command {
    }

    /** Several finished sessions, oldest first (the data plane sends them in batches on a timer). */
    public record RecordAll(List<Entry> entries) implements Command {
        public RecordAll {
            entries = List.copyOf(entries);
        }
    }

    /** The newest {@code limit} entries, newest first. */
    public record GetRecent(int limit, ActorRef<Recent> replyTo) implements Command {
    }

    public record Recent(List<Entry> entries) {
        public Recent {
            entries = List.copyOf(entries);
        }
    }

    private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER);
    private static final char TAB = '\t';
    private static final String NONE = "-";

    private final int ringSize;
    /** Newest first. */
    private final ArrayDeque<Entry> ring;
    /** The last entry's second and its text: most entries of a batch end in the same second. */
    private long lastSecond = Long.MIN_VALUE;
    private String lastTime;

    private AccessLog(ActorContext<Command> context, int ringSize) {
        super(context);
        this.ringSize = ringSize;
        this.ring = new ArrayDeque<>(Math.min(ringSize, 1024));
    }

    /**
     * The access log line (docs/protocols/socks5.md, Access log), fields separated by TAB:
     * {@code time user A client-ip client-port destination destination-port reply-code bytes Auth|NoAuth}.
     * The time is UTC to the second. A missing user or destination is {@code -}. User names and
     * destinations come from clients, so an ISO control character (TAB, CR, LF and the like) or a
     * backslash in them is written as {@code \xHH}: one session stays one line with ten fields.
     * A UDP association's line is the same: its destination is the request's DST.ADDR and DST.PORT,
     * its bytes the datagrams' DATA octets both ways.
     */
    public static String format(Entry e) {
        return format(e, time(e));
    }

    private static String time(Entry e) {
        return DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.SECONDS));
    }

    private static String format(Entry e, String time) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(time).append(TAB);
        appendField(sb, e.user()).append(TAB);
        sb.append('A').append(TAB);
        appendField(sb, e.clientAddress()).append(TAB);
        sb.append(e.clientPort()).append(TAB);
        appendField(sb, e.destination()).append(TAB);
        sb.append(e.destinationPort()).append(TAB);
        sb.append(e.replyCode()).append(TAB);
        sb.append(e.bytes()).append(TAB);
        sb.append(e.authenticated() ? "Auth" : "NoAuth");
        return sb.toString();
    }

    /**
     * Writes the line, with its fields also as key-value pairs: the text format prints the line
     * only, the JSON format (flag --log-format json) adds them as JSON fields (docs/operations.md, Logs).
     */
    private void log(Entry e) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        long second = e.time().getEpochSecond();
        if (second != lastSecond) {
            lastSecond = second;
            lastTime = time(e);
        }
        String time = lastTime;
        org.slf4j.spi.LoggingEventBuilder b = ACCESS.atInfo()
                .addKeyValue("time", time)
                .addKeyValue("user", e.user())
                .addKeyValue("kind", "A")
                .addKeyValue("client_address", e.clientAddress())
                .addKeyValue("client_port", e.clientPort())
                .addKeyValue("destination", e.destination())
                .addKeyValue("destination_port", e.destinationPort())
                .addKeyValue("reply_code", e.replyCode())
                .addKeyValue("bytes", e.bytes());
        if (e.udp() != null) {
            b = b.addKeyValue("udp_datagrams_in", e.udp().datagramsIn()).addKeyValue("udp_bytes_in", e.udp().bytesIn())
                    .addKeyValue("udp_datagrams_out", e.udp().datagramsOut()).addKeyValue("udp_bytes_out", e.udp().bytesOut());
        }
        b.addKeyValue("auth", e.authenticated()).log(format(e, time));
    }

    private static StringBuilder appendField(StringBuilder sb, String value) {
        if (value == null || value.isEmpty()) {
            return sb.append(NONE);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\\') {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb;
    }

    /** @param ringSize entries kept for {@link GetRecent}; 0 keeps none */
    public static Behavior<Command> create(int ringSize) {
        if (ringSize < 0) {
            throw new IllegalArgumentException("socks5d.management.access-log.ring-size must not be negative");
        }
        return Behaviors.setup(context -> new AccessLog(context, ringSize));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Record.class, this::onRecord)
                .onMessage(RecordAll.class, this::onRecordAll)
                .onMessage(GetRecent.class, this::onGetRecent)
                .build();
    }

    private Behavior<Command> onRecordAll(RecordAll m) {
        m.entries().forEach(this::record);
        return this;
    }

    private Behavior<Command> onRecord(Record m) {
        record(m.entry());
        return this;
    }

    private void record(Entry entry) {
        log(entry);
        if (ringSize > 0) {
            if (ring.size() == ringSize) {
                ring.removeLast();
            }
            // Batches of different event loops arrive in flush order, not in the order their sessions
            // ended: keep the ring newest first by the sessions' end times (a misplaced entry is near the front).
            if (ring.isEmpty() || !ring.peekFirst().time().isAfter(entry.time())) {
                ring.addFirst(entry);
                return;
            }
            ArrayDeque<Entry> newer = new ArrayDeque<>();
            while (!ring.isEmpty() && ring.peekFirst().time().isAfter(entry.time())) {
                newer.push(ring.pollFirst());
            }
            ring.addFirst(entry);
            while (!newer.isEmpty()) {
                ring.addFirst(newer.pop());
            }
        }
    }

    private Behavior<Command> onGetRecent(GetRecent m) {
        int n = Math.max(0, Math.min(m.limit(), ring.size()));
        List<Entry> recent = new ArrayList<>(n);
        Iterator<Entry> it = ring.iterator();
        while (recent.size() < n) {
            recent.add(it.next());
        }
        m.replyTo().tell(new Recent(recent));
        return this;
    }
}
