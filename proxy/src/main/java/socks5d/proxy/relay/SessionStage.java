package socks5d.proxy.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.io.Inet;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.InHandler;
import org.apache.pekko.stream.stage.OutHandler;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.admission.ConnectionGauge;
import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;
import socks5d.proxy.connect.ConnectFailures;
import socks5d.proxy.dissect.Credential;
import socks5d.proxy.dissect.CredentialLog;
import socks5d.proxy.dissect.Dissector;
import socks5d.proxy.dissect.Dissectors;
import socks5d.proxy.handshake.Handshake;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;

/**
 * One client connection from its first byte to its close (SPEC §4): drives the pure
 * {@link Handshake}, asks the user directory to authenticate, resolves, applies the ruleset and
 * dials each resolved address in turn, then relays bytes between the client and the destination
 * with backpressure: it pulls from one side only when the other side can take the bytes, so a
 * slow reader slows its writer and memory per connection stays bounded by a few chunks. Half-close
 * is propagated both ways. The outbound TCP connection is a sub-stream fused into this stage's
 * interpreter. Byte counts are plain fields, reported to the metrics actor on a timer and at the
 * end, never per chunk. Confined to the stage (Pekko runs it on one thread at a time).
 */
public final class SessionStage extends GraphStage<FlowShape<ByteString, ByteString>> {
    private static final Logger log = LoggerFactory.getLogger(SessionStage.class);
    private static final String HANDSHAKE_TIMER = "handshake";
    private static final String FLUSH_TIMER = "flush";
    /**
     * Runs a completion callback on the thread that completes the future. The callbacks only hand a
     * result to the stage (AsyncCallback.invoke is thread-safe). Pekko's Java futures run plain
     * {@code whenComplete} callbacks on the common pool, which on a 2-core machine starts a new
     * thread per callback: profiling showed that as the main cost per connection.
     */
    static final java.util.concurrent.Executor CALLING_THREAD = Runnable::run;

    private final Inlet<ByteString> in = Inlet.create("socks.client.in");
    private final Outlet<ByteString> out = Outlet.create("socks.client.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

    private final SessionContext context;
    private final InetSocketAddress client;
    private final Switches.State switches;
    private final ConnectionGauge gauge;

    /**
     * @param gauge the listener's admission: this session holds one of its slots (released when the
     *              session ends, without a watchTermination stage and future per connection) and,
     *              once it dials, the descriptor of its outbound socket
     */
    public SessionStage(SessionContext context, InetSocketAddress client, Switches.State switches,
                        ConnectionGauge gauge) {
        this.context = context;
        this.client = client;
        this.switches = switches;
        this.gauge = gauge;
    }

    /** The flow that serves one accepted client connection. */
    public static Flow<ByteString, ByteString, org.apache.pekko.NotUsed> flow(
            SessionContext context, InetSocketAddress client, Switches.State switches, ConnectionGauge gauge) {
        return Flow.fromGraph(new SessionStage(context, client, switches, gauge)).named("socks-session");
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new Logic();
    }

    private final class Logic extends TimerGraphStageLogic {
        private final Handshake handshake = new Handshake(switches.authRequired());
        private final Counters counters = new Counters();

        private AsyncCallback<AuthResult> onAuthResult;
        private AsyncCallback<ResolveResult> onResolved;
        private AsyncCallback<DialResult> onDialed;

        /** The current outbound attempt; older attempts' events are ignored. */
        private int attempt;
        private SubSinkInlet<ByteString> fromDest;
        /** An outbound connect is in flight: see {@link #stopSession()}. */
        private boolean dialing;
        private boolean stopAfterDial;
        private SubSourceOutlet<ByteString> toDest;
        private List<InetAddress> candidates = List.of();
        private int candidateIndex;
        private ReplyCode lastFailure = ReplyCode.GENERAL_FAILURE;

        private boolean relaying;
        /** Non-null only while the password dissectors still look at the session's first bytes. */
        private Dissector dissector;
        private boolean clientFinished;
        /** The destination of the current attempt finished or failed its output (may precede the relay). */
        private boolean destFinished;
        private boolean destFailed;
        /** Bytes read but not yet written, per direction; reading stops while one holds the relay buffer size. */
        private final ChunkQueue toDestQueue = new ChunkQueue();
        private final ChunkQueue toClientQueue = new ChunkQueue();
        private long relayBuffer;
        private boolean ended;
        /** The descriptor of the outbound socket is taken from the gauge (one for all attempts, in turn). */
        private boolean outboundReserved;

        Logic() {
            super(shape);
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    onClientBytes(grab(in));
                }

                @Override
                public void onUpstreamFinish() {
                    onClientFinished();
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                    log.debug("Client [{}] failed: [{}]", client, ex.toString());
                    stopSession();
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    if (relaying) {
                        drainToClient();
                        pullDest();
                    }
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                    stopSession();
                }
            });
        }

        /**
         * Ends the session, but not while an outbound connect is in flight: Pekko 1.7's outgoing TCP
         * connection actor dies with its commander (this stage), and if that happens before the selector
         * registered its channel, the channel is never closed (apache/pekko#3246, fixed upstream by #3273).
         * Clients that vanish right after their CONNECT leaked a descriptor each (FuzzIT). So the stage
         * stays until the dial ends (at most connect-timeout) and then stops, closing the connection
         * normally.
         */
        private void stopSession() {
            if (dialing) {
                stopAfterDial = true;
                setKeepGoing(true);
                return;
            }
            completeStage();
        }

        @Override
        public void preStart() {
            onAuthResult = createAsyncCallback(this::authResult);
            onResolved = createAsyncCallback(this::resolved);
            onDialed = createAsyncCallback(this::dialed);
            scheduleOnce(HANDSHAKE_TIMER, context.settings().handshakeTimeout());
            pull(in);
        }

        @Override
        public void onTimer(Object key) {
            if (HANDSHAKE_TIMER.equals(key)) {
                log.debug("Client [{}] timed out in phase [{}]", client, handshake.phase());
                stopSession();
            } else if (FLUSH_TIMER.equals(key)) {
                flushTraffic();
            }
        }

        // ---- handshake ----

        private void onClientBytes(ByteString bytes) {
            counters.clientIn += bytes.size();
            if (relaying) {
                counters.relayRead(bytes.size());
                if (dissector != null) {
                    dissectClient(bytes);
                }
                toDestQueue.add(bytes);
                drainToDest();
                pullClient();
                return;
            }
            apply(handshake.onInput(bytes));
        }

        private void onClientFinished() {
            clientFinished = true;
            if (relaying) {
                drainToDest();
            } else if (handshake.phase() != Handshake.Phase.AUTHENTICATING
                    && handshake.phase() != Handshake.Phase.CONNECTING) {
                // Waiting for client bytes that can no longer come.
                log.debug("Client [{}] closed in phase [{}]", client, handshake.phase());
                stopSession();
            }
        }

        private void apply(Handshake.Step step) {
            ByteString output = step.output();
            Handshake.Action action = step.action();
            if (action instanceof Handshake.Close close) {
                log.debug("Closing client [{}]: {}", client, close.why());
                emitToClient(output, this::completeStage);
            } else if (action instanceof Handshake.Relay relay) {
                emitToClient(output, () -> startRelay(relay.pipelined()));
            } else {
                emitToClient(output, null);
                if (action instanceof Handshake.Authenticate auth) {
                    authenticate(auth);
                } else if (action instanceof Handshake.Connect connect) {
                    cancelTimer(HANDSHAKE_TIMER);
                    connect(connect.request());
                } else if (!clientFinished && !hasBeenPulled(in) && !isClosed(in)) {
                    pull(in);
                }
            }
        }

        private void emitToClient(ByteString bytes, Runnable andThen) {
            if (bytes.isEmpty()) {
                if (andThen != null) {
                    andThen.run();
                }
                return;
            }
            counters.clientOut += bytes.size();
            if (andThen == null) {
                emit(out, bytes);
            } else {
                emit(out, bytes, andThen::run);
            }
        }

        private void authenticate(Handshake.Authenticate auth) {
            String name = auth.credentials().username();
            CompletionStage<UserDirectory.AuthReply> reply = AskPattern.ask(context.state().users(),
                    replyTo -> new UserDirectory.Authenticate(name, auth.credentials().password(), replyTo),
                    context.askTimeout(), context.system().scheduler());
            reply.whenCompleteAsync((r, failure) -> onAuthResult.invoke(new AuthResult(name, r, failure)), CALLING_THREAD);
        }

        private void authResult(AuthResult result) {
            boolean ok = result.reply() instanceof UserDirectory.Authenticated;
            context.state().metrics().tell(new Metrics.AuthAttempted(ok));
            if (result.failure() != null) {
                log.warn("User directory did not answer for [{}]: [{}]", client, result.failure().toString());
            }
            apply(ok ? handshake.onAuthenticated(result.name()) : handshake.onAuthenticationFailed());
            if (ok && !clientFinished && !hasBeenPulled(in) && !isClosed(in)
                    && handshake.phase() == Handshake.Phase.REQUEST) {
                pull(in);
            }
        }

        // ---- connect ----

        private void connect(Request request) {
            SocksAddress address = request.address();
            if (address instanceof SocksAddress.Ipv4 v4) {
                resolved(new ResolveResult(List.of(v4.address()), null));
            } else if (address instanceof SocksAddress.Ipv6 v6) {
                resolved(new ResolveResult(List.of(v6.address()), null));
            } else {
                context.resolver().resolve(address.host())
                        .whenCompleteAsync((addrs, failure) -> onResolved.invoke(new ResolveResult(addrs, failure)), CALLING_THREAD);
            }
        }

        private void resolved(ResolveResult result) {
            if (result.failure() != null) {
                log.debug("Client [{}]: [{}] did not resolve: [{}]", client, handshake.request().address().host(),
                        result.failure().toString());
                apply(handshake.onConnectFailed(ReplyCode.HOST_UNREACHABLE));
                return;
            }
            Request request = handshake.request();
            for (InetAddress a : result.addresses()) {
                if (!context.rules().allows(request.address().host(), a, request.port())) {
                    log.debug("Client [{}]: CONNECT to [{}] ([{}]) port [{}] not allowed by ruleset",
                            client, request.address().host(), a.getHostAddress(), request.port());
                    apply(handshake.onConnectFailed(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET));
                    return;
                }
            }
            if (!gauge.tryReserveOutbound()) {
                // SPEC §4 limits: the open-file budget has no descriptor left for the destination.
                log.debug("Client [{}]: no descriptor left for an outbound connection", client);
                apply(handshake.onConnectFailed(ReplyCode.GENERAL_FAILURE));
                return;
            }
            outboundReserved = true;
            candidates = result.addresses();
            candidateIndex = 0;
            dialNext();
        }

        private void dialNext() {
            if (candidateIndex >= candidates.size()) {
                apply(handshake.onConnectFailed(lastFailure));
                return;
            }
            InetSocketAddress remote = new InetSocketAddress(candidates.get(candidateIndex++), handshake.request().port());
            int id = ++attempt;
            dialing = true;
            fromDest = new SubSinkInlet<>("socks.dest.in");
            toDest = new SubSourceOutlet<>("socks.dest.out");
            fromDest.setHandler(new DestInHandler(id));
            toDest.setHandler(new DestOutHandler(id));
            destFinished = false;
            destFailed = false;
            List<Inet.SocketOption> options = List.of(); // kernel autotuning of socket buffers serves throughput best
            Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp = Tcp.get(context.system())
                    .outgoingConnection(remote, Optional.empty(), options,
                            true, // half-close: a destination that shuts its write side can still read the client's rest
                            Optional.of(context.settings().connectTimeout()),
                            idleTimeout());
            CompletionStage<Tcp.OutgoingConnection> connected = Source.fromGraph(toDest.source())
                    .viaMat(tcp, Keep.right())
                    .to(fromDest.sink())
                    .run(subFusingMaterializer());
            connected.whenCompleteAsync((c, failure) -> onDialed.invoke(new DialResult(id, remote, c, failure)), CALLING_THREAD);
        }

        private Optional<Duration> idleTimeout() {
            Duration idle = context.settings().idleTimeout();
            return idle.isZero() ? Optional.empty() : Optional.of(idle);
        }

        private void dialed(DialResult result) {
            if (result.attempt() != attempt) {
                return;
            }
            dialing = false;
            if (stopAfterDial) {
                completeStage();
                return;
            }
            if (handshake.phase() != Handshake.Phase.CONNECTING) {
                return;
            }
            if (result.failure() != null) {
                lastFailure = ConnectFailures.replyFor(result.failure());
                log.debug("Client [{}]: connect to [{}] failed ([{}]): [{}]", client, result.remote(), lastFailure,
                        result.failure().toString());
                dialNext();
                return;
            }
            apply(handshake.onConnected(result.connection().localAddress()));
        }

        // ---- relay ----

        private void startRelay(ByteString pipelined) {
            relaying = true;
            relayBuffer = switches.relayBufferSize();
            if (switches.dissectorsOn() && context.settings().dissectorInspectBytes() > 0) {
                dissector = Dissectors.forSession(context.settings().dissectorInspectBytes());
            }
            long interval = context.settings().metricsFlushInterval().toMillis();
            scheduleAtFixedRate(FLUSH_TIMER, Duration.ofMillis(interval), Duration.ofMillis(interval));
            if (destFailed) {
                completeStage();
                return;
            }
            if (!pipelined.isEmpty()) {
                counters.relayRead(pipelined.size());
                if (dissector != null) {
                    dissectClient(pipelined);
                }
                toDestQueue.add(pipelined);
            }
            drainToDest();
            pullClient();
            drainToClient();
            pullDest();
        }

        /**
         * Client to destination: write what is queued while the destination takes it, then propagate
         * the client's half-close once the queue is empty.
         */
        private void drainToDest() {
            if (toDest.isClosed()) {
                return;
            }
            while (toDest.isAvailable() && !toDestQueue.isEmpty()) {
                ByteString bytes = toDestQueue.poll();
                counters.destOut += bytes.size();
                counters.relayWrite(bytes.size());
                counters.proxied += bytes.size();
                toDest.push(bytes);
            }
            if (clientFinished && toDestQueue.isEmpty()) {
                toDest.complete();
            }
        }

        /** Reads the client again only while less than the relay buffer waits for the destination (backpressure). */
        private void pullClient() {
            if (!clientFinished && !isClosed(in) && !hasBeenPulled(in) && toDestQueue.bytes() < relayBuffer) {
                pull(in);
            }
        }

        /** Destination to client: the same, in the other direction. */
        private void drainToClient() {
            if (isClosed(out)) {
                return;
            }
            if (isAvailable(out) && !toClientQueue.isEmpty()) {
                ByteString bytes = toClientQueue.poll();
                counters.clientOut += bytes.size();
                counters.relayWrite(bytes.size());
                counters.proxied += bytes.size();
                push(out, bytes);
            }
            if (destFinished && toClientQueue.isEmpty()) {
                // Half-close: the destination is done writing; the client's rest still flows to it.
                complete(out);
            }
        }

        private void pullDest() {
            if (!fromDest.isClosed() && !fromDest.hasBeenPulled() && toClientQueue.bytes() < relayBuffer) {
                fromDest.pull();
            }
        }

        /** Events of the destination's read side; a stale attempt's events are ignored. */
        private final class DestInHandler implements InHandler {
            private final int id;

            DestInHandler(int id) {
                this.id = id;
            }

            @Override
            public void onPush() {
                ByteString bytes = fromDest.grab();
                counters.destIn += bytes.size();
                counters.relayRead(bytes.size());
                if (dissector != null) {
                    dissector.onServerBytes(bytes, Logic.this::reportCredential);
                    stepOutOfDissectionIfDone();
                }
                toClientQueue.add(bytes);
                drainToClient();
                pullDest();
            }

            @Override
            public void onUpstreamFinish() {
                if (id == attempt) {
                    destFinished = true;
                    if (relaying) {
                        drainToClient();
                    }
                }
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
                if (id == attempt) {
                    destFailed = true;
                    if (relaying) {
                        log.debug("Destination of [{}] failed: [{}]", client, ex.toString());
                        completeStage();
                    }
                }
            }
        }

        private final class DestOutHandler implements OutHandler {
            private final int id;

            DestOutHandler(int id) {
                this.id = id;
            }

            @Override
            public void onPull() {
                if (id == attempt && relaying) {
                    drainToDest();
                    pullClient();
                }
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
                if (id == attempt && relaying) {
                    // The destination takes no more bytes: stop reading the client.
                    cancel(in);
                }
            }
        }

        // ---- password dissectors (SPEC §7) ----

        private void dissectClient(ByteString bytes) {
            dissector.onClientBytes(bytes, this::reportCredential);
            stepOutOfDissectionIfDone();
        }

        private void stepOutOfDissectionIfDone() {
            if (dissector.done()) {
                dissector = null; // from here on the relay does no inspection at all
            }
        }

        private void reportCredential(Credential credential) {
            Request request = handshake.request();
            CredentialLog.report(handshake.user(), request.address().host(), request.port(), credential);
        }

        // ---- accounting ----

        private void flushTraffic() {
            Metrics.Traffic delta = counters.delta();
            if (delta != null) {
                context.state().metrics().tell(delta);
            }
        }

        @Override
        public void postStop() {
            if (ended) {
                return;
            }
            ended = true;
            if (outboundReserved) {
                gauge.releaseOutbound();
            }
            gauge.close();
            if (fromDest != null && !fromDest.isClosed()) {
                fromDest.cancel();
            }
            if (toDest != null && !toDest.isClosed()) {
                toDest.complete();
            }
            flushTraffic();
            boolean succeeded = handshake.replyCode() == ReplyCode.SUCCEEDED;
            context.state().metrics().tell(new Metrics.SessionEnded(succeeded));
            context.state().metrics().tell(new Metrics.ConnectionClosed(counters.proxied));
            if (counters.clientIn > 0) {
                Request request = handshake.request();
                ReplyCode code = handshake.replyCode() == null ? ReplyCode.GENERAL_FAILURE : handshake.replyCode();
                context.state().accessLog().tell(new AccessLog.Record(new AccessLog.Entry(
                        Instant.now(), handshake.user(), client.getAddress().getHostAddress(), client.getPort(),
                        request == null ? null : request.address().host(), request == null ? 0 : request.port(),
                        code.code(), counters.proxied, handshake.authenticated())));
            }
        }
    }

    private record AuthResult(String name, UserDirectory.AuthReply reply, Throwable failure) {
    }

    private record ResolveResult(List<InetAddress> addresses, Throwable failure) {
    }

    private record DialResult(int attempt, InetSocketAddress remote, Tcp.OutgoingConnection connection, Throwable failure) {
    }

    /** Chunks waiting to be written in one direction, and their total size. Confined to the stage. */
    private static final class ChunkQueue {
        private final java.util.ArrayDeque<ByteString> chunks = new java.util.ArrayDeque<>(2);
        private long bytes;

        void add(ByteString chunk) {
            if (!chunk.isEmpty()) {
                chunks.add(chunk);
                bytes += chunk.size();
            }
        }

        ByteString poll() {
            ByteString chunk = chunks.poll();
            bytes -= chunk.size();
            return chunk;
        }

        boolean isEmpty() {
            return chunks.isEmpty();
        }

        long bytes() {
            return bytes;
        }
    }

    /** Byte counts of one session, and what was already reported. Confined to the stage. */
    private static final class Counters {
        long clientIn;
        long clientOut;
        long destIn;
        long destOut;
        long proxied;
        long reads;
        long readBytes;
        long writes;
        long writeBytes;
        private long[] reported = new long[9];

        void relayRead(int n) {
            reads++;
            readBytes += n;
        }

        void relayWrite(int n) {
            writes++;
            writeBytes += n;
        }

        /** The change since the last call, or {@code null} if nothing changed. */
        Metrics.Traffic delta() {
            long[] now = {proxied, clientIn + clientOut + destIn + destOut, clientIn + clientOut,
                reads, readBytes, writes, writeBytes, 0, 0};
            boolean changed = false;
            long[] d = new long[now.length];
            for (int i = 0; i < now.length; i++) {
                d[i] = now[i] - reported[i];
                changed |= d[i] != 0;
            }
            if (!changed) {
                return null;
            }
            reported = now;
            return new Metrics.Traffic(d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
        }
    }
}
