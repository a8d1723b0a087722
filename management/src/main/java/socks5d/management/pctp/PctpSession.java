package socks5d.management.pctp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.StateClient;
import socks5d.management.accesslog.AccessLog;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.metrics.Metrics;
import socks5d.management.pctp.wire.PctpCodec;
import socks5d.management.pctp.wire.PctpCommand;
import socks5d.management.pctp.wire.PctpLine;
import socks5d.management.pctp.wire.PctpReply;
import socks5d.management.pctp.wire.PctpRole;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

/**
 * One PCTP session's phases (docs/protocols/pctp.md, Session): AUTHORIZATION (USER then
 * PASS of an ADMIN), then MAIN, where ADD opens a USER/PASS sub-dialogue for the new user. A
 * command out of phase, unknown or malformed gets -ERR and changes nothing. Repeated failed
 * logins from one address are answered later and later and then refused at once, to slow password
 * guessing ({@link LoginThrottle}, shared by the listener's connections). Confined to its connection's
 * stream: {@code mapAsync(1)} calls {@link #handle} for one line at a time.
 */
final class PctpSession {
    private static final Logger log = LoggerFactory.getLogger(PctpSession.class);

    /** One reply and whether the connection closes after it (EXIT). */
    record Answer(PctpReply reply, boolean close) {
    }

    private sealed interface Phase {
    }

    private record AwaitUser() implements Phase {
    }

    private record AwaitPass(String user) implements Phase {
    }

    private record Main(String admin) implements Phase {
    }

    private record AddAwaitUser(String admin, PctpRole role) implements Phase {
    }

    private record AddAwaitPass(String admin, PctpRole role, String user) implements Phase {
    }

    private final StateClient state;
    private final InetSocketAddress peer;
    // Written only inside handle's continuation; mapAsync(1) orders it before the next call.
    private volatile Phase phase = new AwaitUser();
    private final LoginThrottle throttle;

    PctpSession(StateClient state, InetSocketAddress peer, LoginThrottle throttle) {
        this.throttle = throttle;
        this.state = state;
        this.peer = peer;
    }

    /** Answers one line; a failed ask (timeout) is -ERR and leaves the phase as it was. */
    CompletionStage<Answer> handle(PctpLine line) {
        return dispatch(line).exceptionally(e -> {
            log.debug("PCTP command of [{}] failed: [{}]", peer, e.toString());
            return new Answer(new PctpReply.Err("Internal error, try again"), false);
        });
    }

    private CompletionStage<Answer> dispatch(PctpLine line) {
        if (line instanceof PctpLine.TooLong) {
            log.debug("PCTP client [{}] sent a line over the limit", peer);
            return err("Line too long");
        }
        PctpCommand command = PctpCodec.parse(((PctpLine.Text) line).text());
        if (command instanceof PctpCommand.Unknown unknown) {
            log.debug("PCTP client [{}] sent unknown command [{}]", peer, unknown.keyword());
            return err("Unknown command");
        } else if (command instanceof PctpCommand.Malformed malformed) {
            log.debug("PCTP client [{}] sent a malformed [{}]: [{}]", peer, malformed.keyword(), malformed.why());
            return err("Invalid " + malformed.keyword() + ": " + malformed.why());
        }
        Phase p = phase;
        if (p instanceof AwaitUser || p instanceof AwaitPass) {
            return authorization(p, command);
        } else if (p instanceof Main main) {
            return main(main.admin(), command);
        }
        return adding(p, command);
    }

    // ------------------------------------------------------------------------- AUTHORIZATION

    private CompletionStage<Answer> authorization(Phase p, PctpCommand command) {
        if (command instanceof PctpCommand.User user) {
            // Same answer for any name, so that USER does not reveal which users exist.
            phase = new AwaitPass(user.name());
            return ok("Please send password");
        } else if (command instanceof PctpCommand.Pass pass) {
            if (!(p instanceof AwaitPass awaiting)) {
                return err("Send USER first");
            }
            return login(awaiting.user(), pass.password());
        }
        return err("Not logged in");
    }

    private CompletionStage<Answer> login(String user, String password) {
        if (throttle.admit(peer.getAddress()) == LoginThrottle.Admission.REFUSE) {
            // docs/operations.md, Limits: a blocked address is refused without a password check.
            log.debug("PCTP login of [{}] from [{}] refused: address blocked", user, peer);
            state.loginThrottled();
            return err("Invalid credentials");
        }
        return state.authenticate(user, password)
                .handle((reply, failure) -> StateClient.isAdmin(reply))
                .thenCompose(admin -> {
                    if (admin) {
                        throttle.succeeded(peer.getAddress());
                        phase = new Main(user);
                        log.debug("PCTP client [{}] logged in as [{}]", peer, user);
                        return ok("Successfully logged in");
                    }
                    long delay = throttle.failed(peer.getAddress());
                    log.debug("PCTP login of [{}] from [{}] refused", user, peer);
                    // docs/protocols/pctp.md, Session: only an ADMIN logs in; a BASIC user gets the
                    // same answer as a wrong password.
                    Answer answer = new Answer(new PctpReply.Err("Invalid credentials"), false);
                    if (delay == 0) {
                        return CompletableFuture.completedFuture(answer);
                    }
                    state.loginThrottled();
                    return CompletableFuture.supplyAsync(() -> answer,
                            CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
                });
    }

    // ---------------------------------------------------------------------------------- MAIN

    private CompletionStage<Answer> main(String admin, PctpCommand command) {
        if (command instanceof PctpCommand.Stats) {
            // In a cluster the totals are the cluster's, followed by one line per node
            // (docs/protocols/pctp.md, STATS); a node running alone answers exactly as before.
            return state.snapshot().thenCompose(s -> state.nodes().thenApply(nodes -> {
                        List<String> out = new java.util.ArrayList<>(statsLines(s));
                        for (String line : nodes.lines(" ")) {
                            out.add("node: " + line);
                        }
                        return lines("Sending stats...", out);
                    }));
        } else if (command instanceof PctpCommand.Logs logs) {
            int n = logs.count().orElse(PctpCodec.DEFAULT_LOGS);
            return state.recent(n)
                    .thenApply(r -> lines("Sending logs...", r.entries().stream().map(AccessLog::format).toList()));
        } else if (command instanceof PctpCommand.ConfigIo io) {
            int bytes = relayBufferSize(io);
            return state.setRelayBufferSize(bytes)
                    .thenApply(reply -> reply instanceof Switches.Rejected rejected
                            ? new Answer(new PctpReply.Err(oneLine(rejected.why())), false)
                            : new Answer(new PctpReply.Ok("Setting IO buffers size"), false));
        } else if (command instanceof PctpCommand.Add add) {
            phase = new AddAwaitUser(admin, add.role());
            return ok("Please provide new user credentials");
        } else if (command instanceof PctpCommand.Del del) {
            return state.removeUser(del.name())
                    .thenApply(reply -> new Answer(PctpUserReplies.DEL.of(reply), false));
        } else if (command instanceof PctpCommand.ListUsers) {
            return state.listUsers().thenApply(list -> lines("Sending user list...",
                    list.users().stream().map(u -> u.name() + "\t" + display(u.role())).toList()));
        } else if (command instanceof PctpCommand.ListLimits) {
            // The durable directory as published: the same the data plane reads.
            List<String> lines = state.publishedUsers().current().allLimits().entrySet().stream()
                    .map(e -> e.getKey() + "\t" + limitText(e.getValue().maxSessions()) + "\t"
                            + limitText(e.getValue().bandwidth()))
                    .toList();
            return CompletableFuture.completedFuture(lines("Sending limits...", lines));
        } else if (command instanceof PctpCommand.Limit limit) {
            UserDirectory.Limits limits = new UserDirectory.Limits(limit.sessions(), limit.bandwidth());
            return state.setLimits(limit.name(), limits)
                    .thenApply(reply -> new Answer(PctpUserReplies.LIMIT.of(reply), false));
        } else if (command instanceof PctpCommand.Exit) {
            return exit();
        }
        return err("Command not valid in this phase");
    }

    // ------------------------------------------------------------------ ADD <role> USER / PASS

    private CompletionStage<Answer> adding(Phase p, PctpCommand command) {
        if (command instanceof PctpCommand.Exit) {
            return exit();
        }
        if (p instanceof AddAwaitUser awaiting) {
            if (command instanceof PctpCommand.User user) {
                phase = new AddAwaitPass(awaiting.admin(), awaiting.role(), user.name());
                return ok("Please send password");
            }
            phase = new Main(awaiting.admin());
            return err("Expected USER for the new user; ADD cancelled");
        }
        AddAwaitPass awaiting = (AddAwaitPass) p;
        phase = new Main(awaiting.admin());
        if (!(command instanceof PctpCommand.Pass pass)) {
            return err("Expected PASS for the new user; ADD cancelled");
        }
        UserDirectory.Role role = awaiting.role() == PctpRole.ADMIN ? UserDirectory.Role.ADMIN : UserDirectory.Role.BASIC;
        return state.addUser(awaiting.user(), pass.password(), role)
                .thenApply(reply -> new Answer(PctpUserReplies.ADD.of(reply), false));
    }

    // ------------------------------------------------------------------------------- replies

    /** Every counter, the PCTP draft's four keys first (docs/protocols/pctp.md, STATS). */
    static List<String> statsLines(Metrics.Snapshot s) {
        return List.of(
                "current_connections: " + s.currentConnections(),
                "total_connections: " + s.historicConnections(),
                "current_bytes_proxied: " + s.currentBytesProxied(),
                "total_bytes_proxied: " + s.bytesProxied(),
                "connection_attempts: " + s.connectionAttempts(),
                "historic_connections: " + s.historicConnections(),
                "max_concurrent_connections: " + s.maxConcurrentConnections(),
                "successful_connections: " + s.successfulConnections(),
                "failed_connections: " + s.failedConnections(),
                "auth_attempts: " + s.authAttempts(),
                "auth_failures: " + s.authFailures(),
                "bytes_proxied: " + s.bytesProxied(),
                "bytes_transferred: " + s.bytesTransferred(),
                "client_bytes: " + s.clientBytes(),
                "avg_read_size: " + s.avgReadSize(),
                "avg_write_size: " + s.avgWriteSize(),
                "udp_associations: " + s.udpAssociations(),
                "udp_datagrams: " + s.udpDatagrams(),
                "udp_bytes: " + s.udpBytes(),
                "udp_dropped: " + s.udpDropped(),
                "refused_address_concurrency: " + s.limits().refusedAddressConcurrency(),
                "refused_address_rate: " + s.limits().refusedAddressRate(),
                "refused_user_sessions: " + s.limits().refusedUserSessions(),
                "logins_throttled: " + s.limits().loginsThrottled(),
                "sessions_shaped: " + s.limits().sessionsShaped());
    }

    /**
     * The relay buffer size {@code CONFIG IO=} asks for, raised to the minimum when below it
     * (docs/protocols/pctp.md, CONFIG IO): a small value is accepted, not refused. A value above
     * the maximum stays as it is, and the Switches actor refuses it.
     */
    static int relayBufferSize(PctpCommand.ConfigIo io) {
        return Math.max(io.bytes(), Switches.MIN_RELAY_BUFFER);
    }

    /** docs/protocols/pctp.md, LIMITS: {@code -} for the default, else the number (0: no limit). */
    private static String limitText(long value) {
        return value < 0 ? "-" : Long.toString(value);
    }

    private static String display(UserDirectory.Role role) {
        return role == UserDirectory.Role.ADMIN ? PctpRole.ADMIN.display() : PctpRole.BASIC.display();
    }

    /** A text for a reply line: LF and CR become spaces. */
    static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private CompletionStage<Answer> exit() {
        log.debug("PCTP client [{}] said EXIT", peer);
        return CompletableFuture.completedFuture(new Answer(new PctpReply.Ok("Done"), true));
    }

    private static Answer lines(String text, List<String> lines) {
        return new Answer(new PctpReply.OkLines(text, lines), false);
    }

    private static CompletionStage<Answer> ok(String text) {
        return CompletableFuture.completedFuture(new Answer(new PctpReply.Ok(text), false));
    }

    private static CompletionStage<Answer> err(String text) {
        return CompletableFuture.completedFuture(new Answer(new PctpReply.Err(text), false));
    }
}
