package socks5d.management.mcp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.ManagementListener;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.wire.Decoded;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.management.mcp.wire.McpLimitMetrics;
import socks5d.management.mcp.wire.McpMetrics;
import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.mcp.wire.McpResponse;
import socks5d.management.mcp.wire.McpStatus;
import socks5d.management.metrics.Metrics;
import socks5d.management.users.UserDirectory;

/**
 * The MCP listener (docs/protocols/mcp.md): one persistent connection per client, requests answered
 * in order, each by asking the state actors. An unknown CMD or a payload that does not add up is
 * answered and the connection stays usable; a VER other than 0x01 is answered ERROR and closed.
 * MCP has no authentication: keep it on loopback ({@code ManagementServers} warns otherwise).
 * Each connection's flow is confined to its stream; state lives in the actors.
 */
public final class McpServer {
    private static final Logger log = LoggerFactory.getLogger(McpServer.class);

    private McpServer() {
    }

    /**
     * Binds the MCP listener on {@code settings.listenAddress()} and {@code port} (0 picks a free
     * port); the stage fails if the bind fails (e.g. port in use), and the caller reports it and exits
     * (docs/operations.md, Exit codes). {@link socks5d.management.ManagementServers} binds it on
     * {@code mcp.port} when that is not 0.
     */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, ManagementSettings settings,
                                                          StateActors state, int port) {
        // idleTimeout: idle admin connections do not pile up (mcp.idle-timeout).
        return ManagementListener.bind(system, "MCP", settings, port, settings.mcp().idleTimeout(),
                peer -> flow(new StateClient(state, settings.askTimeout(), system.scheduler()), peer,
                        ManagementListener.requestDeadlines(settings.firstRequestTimeout(), settings.mcp().idleTimeout())));
    }

    /** One response and whether the connection closes after it (bad VER). */
    record Answer(McpResponse response, boolean close) {
    }

    /**
     * The per-connection flow: the {@code codec().atop(McpFraming.framing())} stack joined with the
     * handler, which answers the decoded requests (pipelined ones included) strictly in order with
     * {@code mapAsync(1)}.
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(StateClient state, InetSocketAddress peer,
                                                            Flow<Decoded<McpRequest>, Decoded<McpRequest>, NotUsed> deadlines) {
        Flow<Decoded<McpRequest>, Answer, NotUsed> handler = deadlines
                .mapAsync(1, decoded -> answer(decoded, state, peer));
        return codec().atop(McpFraming.framing()).reversed().join(handler).named("mcp-session");
    }

    /**
     * Answers to frames on top, frames to requests below. The answer side ends the connection after
     * an answer marked {@code close}; with it the reading side is cancelled, so nothing is read
     * after a bad VER.
     */
    static BidiFlow<Answer, ByteString, ByteString, Decoded<McpRequest>, NotUsed> codec() {
        return BidiFlow.fromFlows(
                Flow.<Answer>create()
                        .takeWhile(answer -> !answer.close(), true)
                        .map(answer -> McpCodec.encode(answer.response()))
                        .named("mcp-encode"),
                Flow.of(ByteString.class).map(McpCodec::decode).named("mcp-decode"));
    }

    private static CompletionStage<Answer> answer(Decoded<McpRequest> decoded, StateClient state,
                                                  InetSocketAddress peer) {
        if (decoded instanceof Decoded.Invalid<McpRequest> invalid) {
            log.debug("MCP client [{}] sent an invalid header: [{}]; closing", peer, invalid.why());
            return CompletableFuture.completedFuture(new Answer(McpResponse.of(McpStatus.ERROR), true));
        }
        McpRequest request = ((Decoded.Ok<McpRequest>) decoded).value();
        return execute(request, state, peer)
                .exceptionally(e -> {
                    log.debug("MCP request [{}] from [{}] failed: [{}]", request, peer, e.toString());
                    return McpResponse.of(McpStatus.ERROR);
                })
                .thenApply(response -> new Answer(response, false));
    }

    /**
     * Maps one request to the state actors' protocols and their replies to an MCP status
     * (docs/protocols/mcp.md, Commands and Status codes).
     */
    static CompletionStage<McpResponse> execute(McpRequest request, StateClient state, InetSocketAddress peer) {
        if (request instanceof McpRequest.GetMetrics) {
            return state.snapshot().thenApply(s -> new McpResponse(McpStatus.OK, McpCodec.encodeMetrics(
                    new McpMetrics(s.historicConnections(), s.currentConnections(), s.bytesTransferred(),
                            s.successfulConnections(), s.failedConnections(), s.clientBytes()))));
        } else if (request instanceof McpRequest.GetLimitMetrics) {
            return state.snapshot().thenApply(s -> {
                        Metrics.LimitEvents l = s.limits();
                        return new McpResponse(McpStatus.OK, McpCodec.encodeLimitMetrics(new McpLimitMetrics(
                                l.refusedAddressConcurrency(), l.refusedAddressRate(), l.refusedUserSessions(),
                                l.loginsThrottled(), l.sessionsShaped())));
                    });
        } else if (request instanceof McpRequest.ClusterNodes) {
            return state.nodes().thenApply(n -> new McpResponse(McpStatus.OK, McpCodec.encodeNodeLines(n.lines("\t"))));
        } else if (request instanceof McpRequest.ListUsers) {
            return state.listUsers().thenApply(list -> {
                        // COUNT is one octet (docs/protocols/mcp.md, LIST_USERS): the first 255
                        // users by name.
                        List<String> names = list.users().stream().limit(McpCodec.MAX_LISTED_USERS)
                                .map(UserDirectory.UserInfo::name).toList();
                        return new McpResponse(McpStatus.OK, McpCodec.encodeUserList(names));
                    });
        } else if (request instanceof McpRequest.AddUser add) {
            // docs/protocols/mcp.md, ADD_USER: adds BASIC users.
            return state.addUser(add.name(), add.password(), UserDirectory.Role.BASIC)
                    .thenApply(reply -> McpResponse.of(McpUserStatus.ADD_USER.of(reply)));
        } else if (request instanceof McpRequest.RemoveUser remove) {
            return state.removeUser(remove.name())
                    .thenApply(reply -> McpResponse.of(McpUserStatus.REMOVE_USER.of(reply)));
        } else if (request instanceof McpRequest.ToggleDissector toggle) {
            CompletionStage<Boolean> wanted = toggle.wanted().isPresent()
                    ? CompletableFuture.completedFuture(toggle.wanted().get())
                    // docs/protocols/mcp.md, TOGGLE_DISECTOR: an empty payload flips the switch.
                    // Read then write: two clients flipping at the same instant may both set the
                    // same state; the explicit STATE octet (what socks5ctl sends for on/off) has no
                    // such race.
                    : state.switches().thenApply(s -> !s.dissectorsOn());
            return wanted.thenCompose(state::setDissectors)
                    .thenApply(s -> new McpResponse(McpStatus.OK, McpCodec.encodeDissectorState(s.dissectorsOn())));
        } else if (request instanceof McpRequest.Unsupported unsupported) {
            log.debug("MCP client [{}] sent unknown CMD [{}]", peer, unsupported.code());
            return CompletableFuture.completedFuture(McpResponse.of(McpStatus.CMD_NOT_SUPPORTED));
        }
        McpRequest.Malformed malformed = (McpRequest.Malformed) request;
        log.debug("MCP client [{}] sent a malformed [{}]: [{}]", peer, malformed.command(), malformed.why());
        return CompletableFuture.completedFuture(McpResponse.of(McpStatus.ERROR));
    }
}
