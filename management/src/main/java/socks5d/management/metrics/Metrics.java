package socks5d.management.metrics;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Owns the proxy's counters since start (SPEC §6), exact under concurrency because only this
 * actor changes them. The proxy tells it about a connection's start and end and sends relay
 * byte counts in batches (at session end, or on a timer for long sessions), never per chunk.
 * Confined to its actor.
 */
public final class Metrics {
    public sealed interface Command {
    }

    /** A TCP connection was accepted on the SOCKS port and will be served. */
    public enum ConnectionOpened implements Command { INSTANCE }

    /** A TCP connection was accepted and closed at once because of a limit (max clients). */
    public enum ConnectionRejected implements Command { INSTANCE }

    /**
     * A served connection closed. {@code proxiedBytes} is the payload this session relayed in total
     * (already reported through {@link Traffic}); it leaves {@code current_bytes_proxied}.
     */
    public record ConnectionClosed(long proxiedBytes) implements Command {
    }

    /** The session's final outcome: reply 0x00 sent ({@code true}) or not. Sent once per session. */
    public record SessionEnded(boolean succeeded) implements Command {
    }

    /** An RFC 1929 sub-negotiation was received; {@code succeeded} false counts a failure. */
    public record AuthAttempted(boolean succeeded) implements Command {
    }

    /**
     * A batch of byte counts since the previous batch of the same session.
     *
     * @param proxiedBytes     payload relayed between client and destination, both directions, each byte once
     * @param transferredBytes every byte read or written on proxy sockets, client and destination side
     * @param clientBytes      bytes read from and written to the client socket, handshake included
     * @param relayReads       number of socket reads on the relay
     * @param relayReadBytes   bytes of those reads
     * @param relayWrites      number of socket writes on the relay
     * @param relayWriteBytes  bytes of those writes
     */
    public record Traffic(long proxiedBytes, long transferredBytes, long clientBytes,
                          long relayReads, long relayReadBytes, long relayWrites, long relayWriteBytes)
            implements Command {
    }

    public record GetSnapshot(ActorRef<Snapshot> replyTo) implements Command {
    }

    /** Every counter of SPEC §6 at one instant. */
    public record Snapshot(long connectionAttempts, long historicConnections, long currentConnections,
                           long maxConcurrentConnections, long successfulConnections, long failedConnections,
                           long authAttempts, long authFailures, long bytesProxied, long currentBytesProxied,
                           long bytesTransferred, long clientBytes, long avgReadSize, long avgWriteSize) {
    }

    private Metrics() {
    }

    public static Behavior<Command> create() {
        throw new UnsupportedOperationException("implemented in the management-state work");
    }
}
