package socks5d.proxy.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.typed.ActorRef;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Latency;
import socks5d.management.metrics.Metrics;
import socks5d.management.metrics.Observations;

/**
 * What the sessions of one event loop counted and logged since the last report: plain fields,
 * changed only on that event loop, and sent to the metrics and access-log actors as one batch each
 * on a timer of the same loop ({@code socks5d.proxy.metrics-flush-interval}), never per chunk nor,
 * at high rates, per session. Confined to its event loop.
 */
final class Accounting implements Runnable {
    private final ActorRef<Metrics.Command> metrics;
    private final ActorRef<AccessLog.Command> accessLog;
    private final SocksAdmission admission;

    long opened;
    long rejected;
    long closed;
    long closedProxied;
    long succeeded;
    long failed;
    long authAttempts;
    long authFailures;
    long proxied;
    long transferred;
    long clientBytes;
    long relayReads;
    long relayReadBytes;
    long relayWrites;
    long relayWriteBytes;
    long udpAssociations;
    long udpDatagrams;
    long udpBytes;
    long udpDropped;
    long bytesFromClient;
    long bytesToClient;
    /** Sessions ended per reply code (0..8), and without a reply ({@link Observations#NO_REPLY}). */
    final long[] replies = new long[Observations.REPLY_SLOTS];
    long credentials;
    /** Accept to first reply of the request. */
    final Latency handshake = new Latency();
    /** Resolve and connect of a CONNECT's destination. */
    final Latency connect = new Latency();
    long refusedAddressConcurrency;
    long refusedAddressRate;
    long refusedUserSessions;
    long loginsThrottled;
    long sessionsShaped;
    private List<AccessLog.Entry> entries = new ArrayList<>();

    Accounting(ActorRef<Metrics.Command> metrics, ActorRef<AccessLog.Command> accessLog, SocksAdmission admission) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.admission = admission;
    }

    /**
     * Runs {@link #run} on {@code loop}, the event loop this accounting belongs to, every
     * {@code interval} ({@code socks5d.proxy.metrics-flush-interval}) until the loop shuts down.
     */
    void flushEvery(EventExecutor loop, Duration interval) {
        long every = interval.toNanos();
        ScheduledFuture<?> unused = loop.scheduleAtFixedRate(this, every, every,
                TimeUnit.NANOSECONDS); // never cancelled: it stops with its loop
    }

    void log(AccessLog.Entry entry) {
        entries.add(entry);
    }

    /**
     * Sends what changed since the last call; nothing when nothing did. The access-log entries go
     * first, so whoever sees a session counted in the metrics and then asks the access log finds it.
     */
    @Override
    public void run() {
        if (!entries.isEmpty()) {
            accessLog.tell(new AccessLog.RecordAll(entries));
            entries = new ArrayList<>();
        }
        if (opened + rejected + closed + succeeded + failed + authAttempts + transferred + relayReads + relayWrites
                + credentials + handshake.count() + connect.count() != 0) {
            metrics.tell(new Metrics.Batch(opened, rejected, closed, closedProxied, succeeded, failed,
                    authAttempts, authFailures, admission.peak(),
                    new Metrics.Traffic(proxied, transferred, clientBytes, relayReads, relayReadBytes,
                            relayWrites, relayWriteBytes),
                    new Observations(bytesFromClient, bytesToClient, replies.clone(), credentials,
                            handshake.copy(), connect.copy())));
            bytesFromClient = bytesToClient = credentials = 0;
            java.util.Arrays.fill(replies, 0);
            handshake.clear();
            connect.clear();
            opened = rejected = closed = closedProxied = succeeded = failed = authAttempts = authFailures = 0;
            proxied = transferred = clientBytes = relayReads = relayReadBytes = relayWrites = relayWriteBytes = 0;
        }
        if (udpAssociations != 0) {
            metrics.tell(new Metrics.UdpTraffic(udpAssociations, udpDatagrams, udpBytes, udpDropped));
            udpAssociations = udpDatagrams = udpBytes = udpDropped = 0;
        }
        if (refusedAddressConcurrency + refusedAddressRate + refusedUserSessions + loginsThrottled
                + sessionsShaped != 0) {
            metrics.tell(new Metrics.LimitEvents(refusedAddressConcurrency, refusedAddressRate, refusedUserSessions,
                    loginsThrottled, sessionsShaped));
            refusedAddressConcurrency = refusedAddressRate = refusedUserSessions = loginsThrottled = sessionsShaped = 0;
        }
    }
}
