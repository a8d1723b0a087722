package socks5d.proxy.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.io.Tcp;
import org.apache.pekko.io.TcpMessage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.runtime.BoxedUnit;

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
 * is propagated both ways. The destination connection is driven through Pekko IO from this stage's
 * own actor, as Pekko's TCP stage does it, in pull mode and with acknowledged writes: no sub-stream,
 * no extra stages per session. Idleness is checked on the stage's own timer. Byte counts are plain
 * fields, reported to the metrics actor on a timer and at the end, never per chunk. Confined to the stage (Pekko runs it on one thread at a time).
 */
public final class SessionStage extends GraphStage<FlowShape<ByteString, ByteString>> {
    private static final Logger log = LoggerFactory.getLogger(SessionStage.class);
    private static final String HANDSHAKE_TIMER = "handshake";
    private static final String TICK_TIMER = "tick";
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
        private AsyncCallback<Object> onRoom;

        /** The Connect command in flight (its failure is told apart from other commands' by identity). */
        private Tcp.Command pendingConnect;
        private InetSocketAddress dialRemote;
        /** An outbound connect is in flight: see {@link #stopSession()}. */
        private boolean dialing;
        private boolean stopAfterDial;
        /** This stage's actor: Pekko IO answers it, and its messages run on the stage. */
        private ActorRef io;
        /** Pekko IO's actor for the destination connection, once connected. */
        private ActorRef dest;
        /** A write to the destination awaits its acknowledgement (Pekko IO takes one at a time). */
        private boolean writeInProgress;
        /** A ResumeReading was sent and its Received has not come yet. */
        private boolean destReading;
        /** The destination's write side was shut (client half-close propagated). */
        private boolean destWriteClosed;
        /** The destination connection is gone (closed, failed or its actor stopped). */
        private boolean destClosed;
        private long movedAtLastTick = -1;
        /** Bytes this session holds against the relay memory budget (all given back at the end). */
        private long held;
        /** Bytes of the write to the destination in flight. */
        private long writing;
        /** The last chunk pushed to the client (maybe still in its connection's write), and older ones. */
        private long lastPushed;
        private long pushedBefore;
        /** This session waits for room in the relay memory budget. */
        private boolean awaitingRoom;
        private long lastActivityNanos;
        private List<InetAddress> candidates = List.of();
        private int candidateIndex;
        private ReplyCode lastFailure = ReplyCode.GENERAL_FAILURE;

        private boolean relaying;
        /** Non-null only while the password dissectors still look at the session's first bytes. */
        private Dissector dissector;
        private boolean clientFinished;
        /** The destination finished or failed its output (may precede the relay). */
        private boolean destFinished;
        private boolean destFailed;
        /** Bytes read but not yet written, per direction; reading stops while one holds the relay buffer size. */
        private final ChunkQueue toDestQueue = new ChunkQueue();
        private final ChunkQueue toClientQueue = new ChunkQueue();
        private long relayBuffer;
        private boolean ended;
        /** The descriptor of the outbound socket is taken from the gauge (one for all attempts, in turn). */
        private boolean outboundReserved;
        /** A relayed session's place in the direct memory limit is taken. */
        private boolean relaySessionTaken;

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
                        // The client's connection took a new chunk only after writing all older ones.
                        giveBack(pushedBefore);
                        pushedBefore = 0;
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
            onRoom = createAsyncCallback(ignored -> {
                awaitingRoom = false;
                if (relaying) {
                    pullClient();
                    pullDest();
                }
            });
            io = getStageActor(this::onIo).ref();
            scheduleOnce(HANDSHAKE_TIMER, context.settings().handshakeTimeout());
            pull(in);
        }

        @Override
        public void onTimer(Object key) {
            if (HANDSHAKE_TIMER.equals(key)) {
                log.debug("Client [{}] timed out in phase [{}]", client, handshake.phase());
                stopSession();
            } else if (TICK_TIMER.equals(key)) {
                flushTraffic();
                checkIdle();
            }
        }

        // ---- handshake ----

        private void onClientBytes(ByteString bytes) {
            counters.clientIn += bytes.size();
            if (relaying) {
                counters.relayRead(bytes.size());
                take(bytes.size());
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
            if (!context.relayMemory().tryStartSession()) {
                // Each relayed session may pin a direct buffer per socket: the JVM's direct memory limit
                // has no room for another (README, "Running for large loads").
                log.debug("Client [{}]: direct memory has no room for another relayed session", client);
                apply(handshake.onConnectFailed(ReplyCode.GENERAL_FAILURE));
                return;
            }
            relaySessionTaken = true;
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
            dialing = true;
            dialRemote = remote;
            // Pull mode: the destination is read only when the relay asks (ResumeReading), never ahead of it.
            pendingConnect = TcpMessage.connect(remote, null, List.of(), context.settings().connectTimeout(), true);
            context.tcpManager().tell(pendingConnect, io);
        }

        /**
         * Events of Pekko IO about the destination connection, delivered to this stage's actor (and so
         * run on the stage like every other handler).
         */
        private BoxedUnit onIo(Tuple2<ActorRef, Object> event) {
            ActorRef sender = event._1();
            Object msg = event._2();
            if (msg instanceof Tcp.Received received) {
                onDestBytes(received.data());
            } else if (msg == WriteAck.INSTANCE) {
                writeInProgress = false;
                giveBack(writing);
                writing = 0;
                if (relaying) {
                    drainToDest();
                    pullClient();
                }
            } else if (msg instanceof Tcp.Connected connected) {
                onConnected(sender, connected);
            } else if (msg instanceof Tcp.CommandFailed failed) {
                if (failed.cmd() == pendingConnect) {
                    pendingConnect = null;
                    Throwable cause = failed.cause().isDefined() ? failed.cause().get()
                            : new java.net.ConnectException("connect failed");
                    dialFailed(cause);
                } else if (sender == dest || dest == null) {
                    onDestFailed("command " + failed.cmd() + " failed" + failed.causedByString());
                }
            } else if (msg == Tcp.PeerClosed$.MODULE$) {
                // Half-close: the destination is done writing; the client's rest still flows to it.
                destFinished = true;
                if (relaying) {
                    drainToClient();
                }
            } else if (msg instanceof Tcp.ErrorClosed closed) {
                onDestFailed(closed.cause());
            } else if (msg == Tcp.Aborted$.MODULE$) {
                onDestFailed("aborted");
            } else if (msg == Tcp.ConfirmedClosed$.MODULE$ || msg == Tcp.Closed$.MODULE$) {
                destClosed = true;
                destFinished = true;
                if (relaying) {
                    drainToClient();
                }
            } else if (msg instanceof Terminated terminated && terminated.getActor().equals(dest) && !destClosed) {
                onDestFailed("connection actor stopped");
            }
            return BoxedUnit.UNIT;
        }

        private void onConnected(ActorRef connection, Tcp.Connected connected) {
            pendingConnect = null;
            dialing = false;
            dest = connection;
            stageActor().watch(connection);
            connection.tell(TcpMessage.register(io, true, false), io);
            if (stopAfterDial || handshake.phase() != Handshake.Phase.CONNECTING) {
                completeStage(); // postStop closes the new connection
                return;
            }
            apply(handshake.onConnected(connected.localAddress()));
        }

        private void dialFailed(Throwable failure) {
            dialing = false;
            if (stopAfterDial) {
                completeStage();
                return;
            }
            if (handshake.phase() != Handshake.Phase.CONNECTING) {
                return;
            }
            lastFailure = ConnectFailures.replyFor(failure);
            log.debug("Client [{}]: connect to [{}] failed ([{}]): [{}]", client, dialRemote, lastFailure,
                    failure.toString());
            dialNext();
        }

        private void onDestFailed(String why) {
            destClosed = true;
            destFailed = true;
            if (relaying) {
                log.debug("Destination of [{}] failed: [{}]", client, why);
                completeStage();
            }
        }

        // ---- relay ----

        private void startRelay(ByteString pipelined) {
            relaying = true;
            // From here the session ends when both directions are done (finishIfDone), not when the
            // client's ports alone are closed: bytes may still wait for the destination.
            setKeepGoing(true);
            relayBuffer = switches.relayBufferSize();
            if (switches.dissectorsOn() && context.settings().dissectorInspectBytes() > 0) {
                dissector = Dissectors.forSession(context.settings().dissectorInspectBytes());
            }
            Duration tick = tickInterval();
            scheduleAtFixedRate(TICK_TIMER, tick, tick);
            if (destFailed) {
                completeStage();
                return;
            }
            if (!pipelined.isEmpty()) {
                counters.relayRead(pipelined.size());
                take(pipelined.size());
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

        /** Metrics are flushed and idleness checked on one timer: the flush interval, or the idle timeout if shorter. */
        private Duration tickInterval() {
            Duration flush = context.settings().metricsFlushInterval();
            Duration idle = context.settings().idleTimeout();
            return idle.isZero() || flush.compareTo(idle) <= 0 ? flush : idle;
        }

        /**
         * SPEC §4 idle timeout: a relayed session with no bytes in either direction for the idle timeout
         * is closed. Checked at each tick (so it fires between one and two ticks late at most).
         */
        private void checkIdle() {
            Duration idle = context.settings().idleTimeout();
            if (idle.isZero()) {
                return;
            }
            long moved = counters.clientIn + counters.destIn;
            long now = System.nanoTime();
            if (moved != movedAtLastTick) {
                movedAtLastTick = moved;
                lastActivityNanos = now;
            } else if (now - lastActivityNanos >= idle.toNanos()) {
                log.debug("Client [{}]: idle for [{}], closing", client, idle);
                completeStage();
            }
        }

        /**
         * Client to destination: hand everything queued to the connection as one write while none is in
         * flight (Pekko IO takes one write at a time), then propagate the client's half-close once
         * everything is written.
         */
        private void drainToDest() {
            if (dest == null || destClosed || writeInProgress || destWriteClosed) {
                return;
            }
            if (!toDestQueue.isEmpty()) {
                long n = toDestQueue.bytes(); // at most the relay buffer and one chunk
                int chunks = toDestQueue.size(); // counted as the relay's writes, as in the other direction
                ByteString bytes = toDestQueue.pollAll();
                counters.destOut += n;
                counters.writes += chunks;
                counters.writeBytes += n;
                counters.proxied += n;
                writeInProgress = true;
                writing = n;
                dest.tell(TcpMessage.write(bytes, WriteAck.INSTANCE), io);
            } else if (clientFinished) {
                // Shut the destination's write side; its rest still flows to the client.
                destWriteClosed = true;
                dest.tell(TcpMessage.confirmedClose(), io);
                finishIfDone();
            }
        }

        /** Both directions are done: the client has everything, the destination got the client's FIN. */
        private void finishIfDone() {
            if (isClosed(out) && (destClosed || destWriteClosed)) {
                completeStage();
            }
        }

        /** Reads the client again only while less than the relay buffer waits for the destination (backpressure). */
        private void pullClient() {
            if (!clientFinished && !isClosed(in) && !hasBeenPulled(in) && toDestQueue.bytes() < relayBuffer
                    && roomOrWait(toDestQueue.isEmpty() && !writeInProgress)) {
                pull(in);
            }
        }

        /** Destination to client: one chunk per pull of the client's side. */
        private void drainToClient() {
            if (isClosed(out)) {
                return;
            }
            if (isAvailable(out) && !toClientQueue.isEmpty()) {
                ByteString bytes = toClientQueue.poll();
                counters.clientOut += bytes.size();
                counters.relayWrite(bytes.size());
                counters.proxied += bytes.size();
                pushedBefore += lastPushed;
                lastPushed = bytes.size();
                push(out, bytes);
            }
            if (destFinished && toClientQueue.isEmpty()) {
                // Half-close: the destination is done writing; the client's rest still flows to it.
                complete(out);
                finishIfDone();
            }
        }

        /** Asks the destination for more while less than the relay buffer waits for the client. */
        private void pullDest() {
            if (dest != null && !destReading && !destFinished && !destClosed && toClientQueue.bytes() < relayBuffer
                    && roomOrWait(toClientQueue.isEmpty() && pushedBefore == 0)) {
                destReading = true;
                dest.tell(TcpMessage.resumeReading(), io);
            }
        }

        /**
         * Whether this direction may read again. A direction that has passed on everything it read
         * ({@code drained}: at most the chunk last handed to the client's connection is unconfirmed) always
         * may, so sessions that keep up are never held back by others; one that still holds bytes may only
         * while the relay memory budget has room, and otherwise is woken when it has (meanwhile its peer's
         * bytes wait in the kernel). So a stalled session holds at most a chunk or two beyond the budget.
         */
        private boolean roomOrWait(boolean drained) {
            if (drained || context.relayMemory().hasRoom()) {
                return true;
            }
            if (!awaitingRoom) {
                awaitingRoom = true;
                context.relayMemory().awaitRoom(() -> onRoom.invoke(Boolean.TRUE));
            }
            return false;
        }

        private void take(long bytes) {
            held += bytes;
            context.relayMemory().take(bytes);
        }

        private void giveBack(long bytes) {
            held -= bytes;
            context.relayMemory().release(bytes);
        }

        private void onDestBytes(ByteString bytes) {
            destReading = false;
            take(bytes.size());
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
            context.relayMemory().release(held);
            held = 0;
            if (relaySessionTaken) {
                context.relayMemory().endSession();
            }
            if (outboundReserved) {
                gauge.releaseOutbound();
            }
            gauge.close();
            if (dest != null && !destClosed) {
                // Pending writes are flushed before the FIN; a session that failed resets instead.
                dest.tell(destFailed ? TcpMessage.abort() : TcpMessage.close(), ActorRef.noSender());
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

    /** Acknowledges a write to the destination. */
    private enum WriteAck implements Tcp.Event {
        INSTANCE
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

        int size() {
            return chunks.size();
        }

        /** Everything queued as one ByteString (no copy: ByteStrings concatenate by reference). */
        ByteString pollAll() {
            ByteString all = chunks.size() == 1 ? chunks.poll() : ByteString.emptyByteString();
            while (!chunks.isEmpty()) {
                all = all.concat(chunks.poll());
            }
            bytes = 0;
            return all;
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
