package socks5d.management.metrics;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the proxy's counters since start (docs/operations.md, Metrics), exact under concurrency
 * because only this actor changes them. The proxy tells it about a connection's start and end and
 * sends relay byte counts in batches (at session end, or on a timer for long sessions), never per
 * chunk. Confined to its actor: the counters are plain fields changed only by its message handlers,
 * and a {@link Snapshot} copies them all at one instant.
 */
public final class Metrics extends AbstractBehavior<Metrics.Command> {
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

    /**
     * Everything one part of the data plane (an event loop) counted since its previous batch, sent on
     * a timer instead of a message per connection or per chunk.
     *
     * @param opened                 connections accepted and served
     * @param rejected               connections accepted and closed at once for a limit
     * @param closed                 served connections that closed
     * @param closedProxiedBytes     payload those closed connections relayed in total (leaves current_bytes_proxied)
     * @param succeeded              sessions that got reply 0x00 (counted when it is sent)
     * @param failed                 sessions that ended without reply 0x00
     * @param authAttempts           RFC 1929 sub-negotiations received
     * @param authFailures           the failed ones
     * @param peakConcurrent         the most connections open at once that the sender saw (0: none seen)
     * @param traffic                byte counts, as {@link Traffic}
     * @param observed               directions, reply codes, credential reports and latencies
     *                               ({@link Observations}) of the same period
     */
    public record Batch(long opened, long rejected, long closed, long closedProxiedBytes, long succeeded,
                        long failed, long authAttempts, long authFailures, long peakConcurrent, Traffic traffic,
                        Observations observed)
            implements Command {
        /** A batch without observations. */
        public Batch(long opened, long rejected, long closed, long closedProxiedBytes, long succeeded,
                     long failed, long authAttempts, long authFailures, long peakConcurrent, Traffic traffic) {
            this(opened, rejected, closed, closedProxiedBytes, succeeded, failed, authAttempts, authFailures,
                    peakConcurrent, traffic, null);
        }
    }

    /**
     * UDP associations (RFC 1928 §7) that ended since the previous report of the same sender.
     *
     * @param associations associations ended
     * @param datagrams    datagrams relayed, both directions
     * @param bytes        DATA bytes relayed, both directions (headers excluded)
     * @param dropped      datagrams dropped: foreign sender, fragment, malformed, oversized, refused
     */
    public record UdpTraffic(long associations, long datagrams, long bytes, long dropped) implements Command {
    }

    /**
     * What the limits refused or slowed since the previous report of the same sender
     * (docs/operations.md, Limits).
     *
     * @param refusedAddressConcurrency connections closed at once: their address had its most connections open
     * @param refusedAddressRate        connections closed at once: their address opened too many a second
     * @param refusedUserSessions       requests refused (0x02): their user had its most sessions open
     * @param loginsThrottled           logins refused at once or answered late by the login throttle
     * @param sessionsShaped            sessions that waited for their user's bandwidth at least once
     */
    public record LimitEvents(long refusedAddressConcurrency, long refusedAddressRate, long refusedUserSessions,
                              long loginsThrottled, long sessionsShaped) implements Command {
        public boolean isEmpty() {
            return refusedAddressConcurrency + refusedAddressRate + refusedUserSessions + loginsThrottled
                    + sessionsShaped == 0;
        }
    }

    public record GetSnapshot(ActorRef<Snapshot> replyTo) implements Command {
    }

    /** Asks for the counters and the observations at one instant: one ask per Prometheus scrape. */
    public record GetDetail(ActorRef<Detail> replyTo) implements Command {
    }

    /** The counters and the observations since start, taken at one instant. */
    public record Detail(Snapshot snapshot, Observations observed) {
    }

    /** Every counter of docs/operations.md (Metrics) at one instant. */
    public record Snapshot(long connectionAttempts, long historicConnections, long currentConnections,
                           long maxConcurrentConnections, long successfulConnections, long failedConnections,
                           long authAttempts, long authFailures, long bytesProxied, long currentBytesProxied,
                           long bytesTransferred, long clientBytes, long avgReadSize, long avgWriteSize,
                           long udpAssociations, long udpDatagrams, long udpBytes, long udpDropped,
                           LimitEvents limits) {
    }

    /** The raw counters of this node (averages not yet taken), for the cluster's totals. */
    public record GetCounters(ActorRef<Counters> replyTo) implements Command {
    }

    /**
     * The counters of one node as they are kept, so that those of several nodes add up (docs/operations.md,
     * Cluster): the averages are computed from the sums of reads and bytes.
     */
    public record Counters(long connectionAttempts, long historicConnections, long currentConnections,
                           long maxConcurrentConnections, long successfulConnections, long failedConnections,
                           long authAttempts, long authFailures, long bytesProxied, long currentBytesProxied,
                           long bytesTransferred, long clientBytes, long relayReads, long relayReadBytes,
                           long relayWrites, long relayWriteBytes, long udpAssociations, long udpDatagrams,
                           long udpBytes, long udpDropped, long refusedAddressConcurrency, long refusedAddressRate,
                           long refusedUserSessions, long loginsThrottled, long sessionsShaped) {
        public static final int FIELDS = 25;
        public static final Counters ZERO = fromArray(new long[FIELDS]);

        public long[] toArray() {
            return new long[] {connectionAttempts, historicConnections, currentConnections, maxConcurrentConnections,
                    successfulConnections, failedConnections, authAttempts, authFailures, bytesProxied,
                    currentBytesProxied, bytesTransferred, clientBytes, relayReads, relayReadBytes, relayWrites,
                    relayWriteBytes, udpAssociations, udpDatagrams, udpBytes, udpDropped, refusedAddressConcurrency,
                    refusedAddressRate, refusedUserSessions, loginsThrottled, sessionsShaped};
        }

        public static Counters fromArray(long[] a) {
            if (a.length != FIELDS) {
                throw new IllegalArgumentException("expected " + FIELDS + " counters, got " + a.length);
            }
            return new Counters(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
                    a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24]);
        }

        /** These counters with the current ones (connections and bytes in flight) zeroed: a node that is gone. */
        public Counters historicOnly() {
            long[] a = toArray();
            a[2] = 0;
            a[9] = 0;
            return fromArray(a);
        }

        /** Field by field sum; the peak of concurrent connections is summed too (an upper bound of the cluster's peak). */
        public Counters plus(Counters o) {
            long[] a = toArray();
            long[] b = o.toArray();
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return fromArray(a);
        }

        public Snapshot snapshot() {
            return new Snapshot(connectionAttempts, historicConnections, currentConnections,
                    maxConcurrentConnections, successfulConnections, failedConnections, authAttempts, authFailures,
                    bytesProxied, currentBytesProxied, bytesTransferred, clientBytes,
                    average(relayReadBytes, relayReads), average(relayWriteBytes, relayWrites),
                    udpAssociations, udpDatagrams, udpBytes, udpDropped,
                    new LimitEvents(refusedAddressConcurrency, refusedAddressRate, refusedUserSessions,
                            loginsThrottled, sessionsShaped));
        }
    }

    /** The nodes of the cluster and their counters; empty when the node runs alone. */
    public record GetNodes(ActorRef<Nodes> replyTo) implements Command {
    }

    /**
     * One node: its cluster address, membership status (up, joining, leaving, unreachable, removed, ...)
     * and its counters as last replicated.
     */
    public record Node(String address, String status, Counters counters) {
    }

    public record Nodes(java.util.List<Node> nodes) {
        public Nodes {
            nodes = java.util.List.copyOf(nodes);
        }

        /**
         * One text line per node (docs/protocols/mcp.md, CLUSTER_NODES; pctp.md, STATS): address,
         * status, current_connections, historic_connections, bytes_proxied, bytes_transferred,
         * client_bytes, separated by {@code separator}.
         */
        public java.util.List<String> lines(String separator) {
            java.util.List<String> out = new java.util.ArrayList<>();
            for (Node n : nodes) {
                Counters c = n.counters();
                out.add(String.join(separator, n.address(), n.status(), Long.toString(c.currentConnections()),
                        Long.toString(c.historicConnections()), Long.toString(c.bytesProxied()),
                        Long.toString(c.bytesTransferred()), Long.toString(c.clientBytes())));
            }
            return out;
        }
    }

    private long connectionAttempts;
    private long historicConnections;
    private long currentConnections;
    private long maxConcurrentConnections;
    private long successfulConnections;
    private long failedConnections;
    private long authAttempts;
    private long authFailures;
    private long bytesProxied;
    private long currentBytesProxied;
    private long bytesTransferred;
    private long clientBytes;
    private long relayReads;
    private long relayReadBytes;
    private long relayWrites;
    private long relayWriteBytes;
    private long udpAssociations;
    private long udpDatagrams;
    private long udpBytes;
    private long udpDropped;
    private long bytesFromClient;
    private long bytesToClient;
    private final long[] replies = new long[Observations.REPLY_SLOTS];
    private long credentials;
    private final Latency handshake = new Latency();
    private final Latency connect = new Latency();
    private long refusedAddressConcurrency;
    private long refusedAddressRate;
    private long refusedUserSessions;
    private long loginsThrottled;
    private long sessionsShaped;

    private Metrics(ActorContext<Command> context) {
        super(context);
    }

    public static Behavior<Command> create() {
        return Behaviors.setup(Metrics::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(ConnectionOpened.INSTANCE, this::onConnectionOpened)
                .onMessageEquals(ConnectionRejected.INSTANCE, this::onConnectionRejected)
                .onMessage(ConnectionClosed.class, this::onConnectionClosed)
                .onMessage(SessionEnded.class, this::onSessionEnded)
                .onMessage(AuthAttempted.class, this::onAuthAttempted)
                .onMessage(Traffic.class, this::onTraffic)
                .onMessage(Batch.class, this::onBatch)
                .onMessage(UdpTraffic.class, this::onUdpTraffic)
                .onMessage(LimitEvents.class, this::onLimitEvents)
                .onMessage(GetSnapshot.class, this::onGetSnapshot)
                .onMessage(GetDetail.class, this::onGetDetail)
                .onMessage(GetCounters.class, this::onGetCounters)
                .onMessage(GetNodes.class, m -> {
                    m.replyTo().tell(new Nodes(java.util.List.of()));
                    return this;
                })
                .build();
    }

    private Behavior<Command> onConnectionOpened() {
        connectionAttempts++;
        historicConnections++;
        currentConnections++;
        maxConcurrentConnections = Math.max(maxConcurrentConnections, currentConnections);
        return this;
    }

    private Behavior<Command> onConnectionRejected() {
        // docs/operations.md, Metrics: a connection closed at once for a limit is an attempt but
        // was never served.
        connectionAttempts++;
        return this;
    }

    private Behavior<Command> onConnectionClosed(ConnectionClosed m) {
        if (currentConnections == 0) {
            getContext().getLog().warn("Connection closed while none was open: a close was reported twice or an open was lost");
        } else {
            currentConnections--;
        }
        if (m.proxiedBytes() > currentBytesProxied || m.proxiedBytes() < 0) {
            getContext().getLog().warn("Connection closed with [{}] bytes proxied but open connections have [{}]",
                    m.proxiedBytes(), currentBytesProxied);
            currentBytesProxied = Math.max(0, currentBytesProxied - Math.max(0, m.proxiedBytes()));
        } else {
            currentBytesProxied -= m.proxiedBytes();
        }
        return this;
    }

    private Behavior<Command> onSessionEnded(SessionEnded m) {
        if (m.succeeded()) {
            successfulConnections++;
        } else {
            failedConnections++;
        }
        return this;
    }

    private Behavior<Command> onAuthAttempted(AuthAttempted m) {
        authAttempts++;
        if (!m.succeeded()) {
            authFailures++;
        }
        return this;
    }

    private Behavior<Command> onTraffic(Traffic m) {
        bytesProxied += m.proxiedBytes();
        currentBytesProxied += m.proxiedBytes();
        bytesTransferred += m.transferredBytes();
        clientBytes += m.clientBytes();
        relayReads += m.relayReads();
        relayReadBytes += m.relayReadBytes();
        relayWrites += m.relayWrites();
        relayWriteBytes += m.relayWriteBytes();
        return this;
    }

    private Behavior<Command> onBatch(Batch m) {
        connectionAttempts += m.opened() + m.rejected();
        historicConnections += m.opened();
        currentConnections += m.opened();
        if (m.closed() > currentConnections) {
            getContext().getLog().warn("[{}] connections closed while [{}] were open: a close was reported twice or an open was lost",
                    m.closed(), currentConnections);
            currentConnections = 0;
        } else {
            currentConnections -= m.closed();
        }
        // Opens and closes of one batch interleave: the admission gauge's peak is the exact maximum.
        maxConcurrentConnections = Math.max(maxConcurrentConnections, Math.max(m.peakConcurrent(), currentConnections));
        successfulConnections += m.succeeded();
        failedConnections += m.failed();
        authAttempts += m.authAttempts();
        authFailures += m.authFailures();
        onTraffic(m.traffic());
        currentBytesProxied = Math.max(0, currentBytesProxied - m.closedProxiedBytes());
        Observations o = m.observed();
        if (o != null) {
            bytesFromClient += o.bytesFromClient();
            bytesToClient += o.bytesToClient();
            for (int i = 0; i < Observations.REPLY_SLOTS; i++) {
                replies[i] += o.replies(i);
            }
            credentials += o.credentials();
            handshake.add(o.handshake());
            connect.add(o.connect());
        }
        return this;
    }

    private Behavior<Command> onUdpTraffic(UdpTraffic m) {
        udpAssociations += m.associations();
        udpDatagrams += m.datagrams();
        udpBytes += m.bytes();
        udpDropped += m.dropped();
        return this;
    }

    private Behavior<Command> onLimitEvents(LimitEvents m) {
        refusedAddressConcurrency += m.refusedAddressConcurrency();
        refusedAddressRate += m.refusedAddressRate();
        refusedUserSessions += m.refusedUserSessions();
        loginsThrottled += m.loginsThrottled();
        sessionsShaped += m.sessionsShaped();
        return this;
    }

    private Behavior<Command> onGetSnapshot(GetSnapshot m) {
        m.replyTo().tell(counters().snapshot());
        return this;
    }

    /** This node's counters and observations (the HTTP endpoint's, per node also in a cluster). */
    private Behavior<Command> onGetDetail(GetDetail m) {
        m.replyTo().tell(new Detail(counters().snapshot(), new Observations(bytesFromClient, bytesToClient,
                replies.clone(), credentials, handshake.copy(), connect.copy())));
        return this;
    }

    private Behavior<Command> onGetCounters(GetCounters m) {
        m.replyTo().tell(counters());
        return this;
    }

    private Counters counters() {
        return new Counters(connectionAttempts, historicConnections, currentConnections,
                maxConcurrentConnections, successfulConnections, failedConnections, authAttempts, authFailures,
                bytesProxied, currentBytesProxied, bytesTransferred, clientBytes, relayReads, relayReadBytes,
                relayWrites, relayWriteBytes, udpAssociations, udpDatagrams, udpBytes, udpDropped,
                refusedAddressConcurrency, refusedAddressRate, refusedUserSessions, loginsThrottled, sessionsShaped);
    }

    /** Integer mean, 0 before any read or write (docs/operations.md, Metrics). */
    private static long average(long bytes, long count) {
        return count == 0 ? 0 : bytes / count;
    }
}
