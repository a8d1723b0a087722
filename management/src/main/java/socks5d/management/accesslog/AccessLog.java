package socks5d.management.accesslog;

import java.time.Instant;
import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Owns the access log (SPEC §7): writes one line per finished SOCKS session to the logger
 * {@code socks5d.access} (the only class that writes it) and keeps the last entries in a ring
 * for PCTP {@code LOGS [N]}. Confined to its actor.
 */
public final class AccessLog {
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
     */
    public record Entry(Instant time, String user, String clientAddress, int clientPort,
                        String destination, int destinationPort, int replyCode, long bytes,
                        boolean authenticated) {
    }

    public sealed interface Command {
    }

    public record Record(Entry entry) implements Command {
    }

    /** The newest {@code limit} entries, newest first. */
    public record GetRecent(int limit, ActorRef<Recent> replyTo) implements Command {
    }

    public record Recent(List<Entry> entries) {
        public Recent {
            entries = List.copyOf(entries);
        }
    }

    private AccessLog() {
    }

    /**
     * The SPEC §7 line, fields separated by TAB:
     * {@code time user A client-ip client-port destination destination-port reply-code bytes Auth|NoAuth}.
     */
    public static String format(Entry e) {
        throw new UnsupportedOperationException("implemented in the management-state work");
    }

    public static Behavior<Command> create(int ringSize) {
        throw new UnsupportedOperationException("implemented in the management-state work");
    }
}
