package socks5d.management.mass;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.ManagementListener;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.mass.wire.MassCodec;
import socks5d.management.mass.wire.MassIndex;
import socks5d.management.mass.wire.MassReply;
import socks5d.management.mass.wire.MassRequest;
import socks5d.management.mass.wire.MassStatus;
import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;

/**
 * The MASS listener (docs/protocols/mass.md): method negotiation, RFC 1929 login of an ADMIN user,
 * one request, one reply, close. The protocol logic is {@link MassSession}; this class drives it
 * and asks the state actors. A session that has not finished within
 * {@code mass.session-timeout} is closed. Repeated failed logins from one address are answered
 * later and later ({@link LoginThrottle}, one per listener). Each connection's flow is confined to its stream.
 */
public final class MassServer {
    private static final Logger log = LoggerFactory.getLogger(MassServer.class);

    private MassServer() {
    }

    /**
     * Binds the MASS listener on {@code settings.listenAddress()} and {@code port} (0 picks a free
     * port); the stage fails if the bind fails. {@link socks5d.management.ManagementServers} binds it on
     * {@code mass.port} when that is not 0.
     */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, ManagementSettings settings,
                                                          StateActors state, int port) {
        // One throttle per listener, shared by all of its connections.
        LoginThrottle failedLogins = new LoginThrottle("MASS", settings.loginThrottle(), System::nanoTime);
        // idleTimeout: the session timeout also bounds silence; the flow bounds the whole session.
        return ManagementListener.bind(system, "MASS", settings, port, Optional.of(settings.mass().sessionTimeout()),
                peer -> flow(new StateClient(state, settings.askTimeout(), system.scheduler()), failedLogins, settings,
                        peer));
    }

    private record Answer(ByteString bytes, boolean close) {
    }

    /**
     * The per-connection flow: the {@code codec().atop(MassFraming.framing(...))} stack joined with
     * the session's actions, answered in order; closed after the reply or at the timeout.
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(StateClient state, LoginThrottle failedLogins,
                                                            ManagementSettings settings, InetSocketAddress peer) {
        Connection connection = new Connection(state, failedLogins, peer);
        Flow<MassSession.Action, Answer, NotUsed> handler = Flow.<MassSession.Action>create()
                .mapAsync(1, connection::act);
        return codec().atop(MassFraming.framing(settings.mass().allowNoAuth())).reversed().join(handler)
                .completionTimeout(settings.mass().sessionTimeout())
                .recoverWithRetries(1, TimeoutException.class, () -> {
                    log.debug("MASS session of [{}] timed out", peer);
                    return Source.empty();
                })
                .named("mass-session");
    }

    /**
     * Answers to bytes on top, ending the connection after the answer marked {@code close} (which
     * cancels the reading side); the actions pass up unchanged, MASS's messages being decoded by
     * its framing.
     */
    private static BidiFlow<Answer, ByteString, MassSession.Action, MassSession.Action, NotUsed> codec() {
        return BidiFlow.fromFlows(
                Flow.<Answer>create()
                        .takeWhile(answer -> !answer.close(), true)
                        .map(Answer::bytes)
                        .named("mass-encode"),
                Flow.of(MassSession.Action.class));
    }

    /** One connection's progress: whether its login succeeded. Confined to its stream (mapAsync(1)). */
    private static final class Connection {
        private final StateClient state;
        private final LoginThrottle failedLogins;
        private final InetSocketAddress peer;
        /** Set when an ADMIN logged in or no authentication was chosen; read before running the request. */
        private final AtomicBoolean authorized = new AtomicBoolean();

        Connection(StateClient state, LoginThrottle failedLogins, InetSocketAddress peer) {
            this.state = state;
            this.failedLogins = failedLogins;
            this.peer = peer;
        }

        CompletionStage<Answer> act(MassSession.Action action) {
            if (action instanceof MassSession.Send send) {
                if (send.close()) {
                    log.debug("MASS client [{}] refused at negotiation", peer);
                }
                return done(new Answer(send.bytes(), send.close()));
            } else if (action instanceof MassSession.SkipLogin skip) {
                authorized.set(true);
                return done(new Answer(skip.bytes(), false));
            } else if (action instanceof MassSession.Authenticate auth) {
                return authenticate(auth);
            }
            MassRequest request = ((MassSession.Execute) action).request();
            if (!authorized.get()) {
                // A request pipelined behind failed credentials: never run it.
                return done(new Answer(ByteString.emptyByteString(), true));
            }
            return execute(request)
                    .exceptionally(e -> {
                        log.debug("MASS request [{}] from [{}] failed: [{}]", request, peer, e.toString());
                        return new MassReply.StatusOnly(MassStatus.SERVER_ERROR);
                    })
                    .thenApply(reply -> new Answer(MassCodec.encode(reply), true));
        }

        private CompletionStage<Answer> authenticate(MassSession.Authenticate auth) {
            String user = auth.credentials().user();
            if (failedLogins.admit(peer.getAddress()) == LoginThrottle.Admission.REFUSE) {
                // docs/operations.md, Limits: a blocked address is refused without a password check.
                log.debug("MASS login of [{}] from [{}] refused: address blocked", user, peer);
                state.loginThrottled();
                return done(new Answer(MassCodec.encodeAuthReply(false), true));
            }
            return state.authenticate(user, auth.credentials().password())
                    .handle((reply, failure) -> {
                        // docs/protocols/mass.md, Login: only ADMIN users log in.
                        boolean admin = StateClient.isAdmin(reply);
                        if (admin) {
                            authorized.set(true);
                            failedLogins.succeeded(peer.getAddress());
                        } else {
                            log.debug("MASS login of [{}] from [{}] refused: [{}]", user, peer,
                                    failure != null ? failure.toString()
                                            : reply instanceof UserDirectory.Authenticated ? "not an ADMIN" : "rejected");
                        }
                        return admin;
                    })
                    .thenCompose(admin -> admin
                            ? done(new Answer(MassCodec.encodeAuthReply(true), false))
                            : refuseLater());
        }

        /**
         * docs/protocols/mass.md, Login: the failure reply waits as long as the {@link LoginThrottle}
         * says, to slow guessing.
         */
        private CompletionStage<Answer> refuseLater() {
            Answer refused = new Answer(MassCodec.encodeAuthReply(false), true);
            long delay = failedLogins.failed(peer.getAddress());
            if (delay == 0) {
                return done(refused);
            }
            state.loginThrottled();
            return CompletableFuture.supplyAsync(() -> refused,
                    CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
        }

        private CompletionStage<MassReply> execute(MassRequest request) {
            if (request instanceof MassRequest.Query q) {
                return query(q.index());
            } else if (request instanceof MassRequest.AddUser add) {
                // docs/protocols/mass.md: 0x0A adds BASIC users.
                return state.addUser(add.user(), add.password(), UserDirectory.Role.BASIC)
                        .thenApply(reply -> status(MassUserStatus.ADD_USER.of(reply)));
            } else if (request instanceof MassRequest.DeleteUser del) {
                return state.removeUser(del.user())
                        .thenApply(reply -> status(MassUserStatus.DELETE_USER.of(reply)));
            } else if (request instanceof MassRequest.SetAuthentication set) {
                return state.setAuthRequired(set.on())
                        .thenApply(s -> status(MassStatus.SUCCESS));
            } else if (request instanceof MassRequest.SetDissectors set) {
                return state.setDissectors(set.on())
                        .thenApply(s -> status(MassStatus.SUCCESS));
            } else if (request instanceof MassRequest.Unknown unknown) {
                log.debug("MASS client [{}] asked for unknown index [{}]", peer, unknown.code());
                return done(status(MassStatus.INDEX_NOT_SUPPORTED));
            }
            log.debug("MASS client [{}] sent malformed parameters: [{}]", peer, request);
            return done(status(MassStatus.SERVER_ERROR));
        }

        private CompletionStage<MassReply> query(MassIndex index) {
            switch (index) {
                case SUPPORTED_INDEXES:
                    return done(new MassReply.SupportedIndexes(Arrays.asList(MassIndex.values())));
                case USER_LIST:
                    return state.listUsers().thenApply(list ->
                            // COUNT is one octet: the first 255 users by name.
                            new MassReply.UserNames(list.users().stream().limit(MassCodec.MAX_OCTET)
                                    .map(UserDirectory.UserInfo::name).toList()));
                default:
                    return state.snapshot()
                            .thenApply(s -> new MassReply.Counter(counter(index).applyAsLong(s)));
            }
        }
    }

    /**
     * The counter behind each of indexes 0x02..0x09 (docs/protocols/mass.md, Requests and replies).
     */
    static ToLongFunction<Metrics.Snapshot> counter(MassIndex index) {
        switch (index) {
            case HISTORIC_CONNECTIONS: return Metrics.Snapshot::historicConnections;
            case CURRENT_CONNECTIONS: return Metrics.Snapshot::currentConnections;
            case MAX_CONCURRENT_CONNECTIONS: return Metrics.Snapshot::maxConcurrentConnections;
            case BYTES_TRANSFERRED: return Metrics.Snapshot::bytesProxied;
            case AUTH_ATTEMPTS: return Metrics.Snapshot::authAttempts;
            case CONNECTION_ATTEMPTS: return Metrics.Snapshot::connectionAttempts;
            case AVG_READ_SIZE: return Metrics.Snapshot::avgReadSize;
            case AVG_WRITE_SIZE: return Metrics.Snapshot::avgWriteSize;
            default: throw new IllegalArgumentException(index + " is not a counter");
        }
    }

    private static MassReply status(MassStatus s) {
        return new MassReply.StatusOnly(s);
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
