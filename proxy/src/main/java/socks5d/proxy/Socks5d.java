package socks5d.proxy;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

import socks5d.management.ManagementServers;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.cluster.ClusterSettings;
import socks5d.management.http.AdminHttpServer;
import socks5d.management.http.Readiness;
import socks5d.management.users.UserDirectory;
import socks5d.proxy.relay.RelayMemory;
import socks5d.proxy.rules.Ruleset;
import socks5d.proxy.server.LiveSwitches;
import socks5d.proxy.server.SocksServer;

/**
 * One running socks5d (docs/design.md, Start-up and shutdown): assembles its actor system, state
 * actors and listeners from {@link ServerSettings}. Used by {@link Main} and by tests that start a
 * server in-process. Start-up runs in order: the state actors, the {@code -u} ADMIN users, the MCP,
 * MASS and PCTP listeners, the HTTP admin listener, the SOCKS listener; each listener logs where it
 * bound and registers its own unbind with CoordinatedShutdown, which then stops accepting and waits up
 * to {@code shutdown-grace} for open sessions (docs/operations.md, Signals and shutdown).
 * Thread-safe: all state is in the actor system and in completion stages.
 */
public final class Socks5d {
    private static final Logger log = LoggerFactory.getLogger(Socks5d.class);

    /** Where the listeners ended up (ports resolved when 0 was asked for); a disabled one is {@code null}. */
    public record Bindings(InetSocketAddress socks, List<InetSocketAddress> management, StateActors state,
                           RelayMemory relayMemory, InetSocketAddress http) {
    }

    /** Where the management listeners bound: MCP, MASS, PCTP in that order, and the HTTP admin listener. */
    private record ManagementBound(List<InetSocketAddress> listeners, Optional<InetSocketAddress> http) {
    }

    private final ActorSystem<Void> system;
    private final CompletableFuture<Bindings> started = new CompletableFuture<>();
    private volatile boolean failed;

    private Socks5d(ServerSettings settings, List<Credentials> admins) {
        this.system = ActorSystem.create(guardian(settings, admins), settings.cluster().systemName("socks5d"),
                pekkoConfig(settings));
    }

    /** Starts a server with settings read from {@code config} (tests start one from a Config). */
    public static Socks5d start(Config config, List<Credentials> admins) {
        return start(ServerSettings.fromConfig(config), admins);
    }

    public static Socks5d start(ServerSettings settings, List<Credentials> admins) {
        return new Socks5d(settings, admins);
    }

    public CompletionStage<Bindings> started() {
        return started;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Completes once the actor system has terminated: {@link ExitCode#OK}, or {@link ExitCode#FAILED} if state was lost. */
    public CompletableFuture<ExitCode> whenStopped() {
        return system.getWhenTerminated().toCompletableFuture().thenApply(done -> failed ? ExitCode.FAILED : ExitCode.OK);
    }

    /** Graceful stop: stop accepting, drain open sessions up to the grace period, terminate. */
    public CompletionStage<Done> shutdown() {
        return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
    }

    /** Immediate stop. */
    public void terminate() {
        system.terminate();
    }

    /**
     * The actor system's configuration. Alone, the node starts as before the cluster code existed:
     * provider local, and none of the remoting and cluster serializers instantiated; in cluster mode,
     * the provider, Artery and the cluster settings (docs/operations.md, Cluster).
     */
    private static Config pekkoConfig(ServerSettings settings) {
        ClusterSettings cluster = settings.cluster();
        if (!cluster.enabled()) {
            return ClusterSettings.withoutClusterSerializers(settings.pekko());
        }
        if (!cluster.loopback() && !cluster.tls()) {
            log.warn("The cluster port is bound to [{}], not a loopback address, without TLS: user changes"
                    + " (password hashes) cross the network in clear; set socks5d.cluster.tls (README, Cluster)",
                    cluster.host());
        }
        log.info("Cluster mode: node [{}:{}] of cluster [{}], seed nodes {}", cluster.host(), cluster.port(),
                cluster.name(), cluster.seedNodes());
        return cluster.pekkoConfig().withFallback(settings.pekko());
    }

    private Behavior<Void> guardian(ServerSettings settings, List<Credentials> admins) {
        return Behaviors.setup(context -> {
            try {
                StateActors state = boot(context, settings, admins);
                context.watch(state.users());
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
                return Behaviors.stopped();
            }
            return Behaviors.receive(Void.class)
                    .onSignal(Terminated.class, t -> usersStopped(context))
                    .build();
        });
    }

    /**
     * The user directory stopped: it could not load or write the user file (it logged why). Serving
     * without it would refuse every login, and starting over empty could overwrite the users on disk,
     * so the server stops with a failure status.
     */
    private Behavior<Void> usersStopped(ActorContext<Void> context) {
        log.error("The user directory stopped (see the error above); socks5d stops");
        failed = true;
        started.completeExceptionally(new IllegalStateException("the user directory could not start"));
        return Behaviors.stopped();
    }

    /**
     * Spawns the state actors and starts the listeners one step after the other, completing
     * {@link #started} with where they bound or with the first step's failure.
     */
    private StateActors boot(ActorContext<Void> context, ServerSettings settings, List<Credentials> admins) {
        ActorSystem<?> sys = context.getSystem();
        StateActors state = StateActors.spawn(context, settings.state());
        LiveSwitches switches = LiveSwitches.subscribe(context, state.switches(), settings.state().switches());
        Readiness readiness = Readiness.watching(sys);
        // The chain's own stage is not kept: its outcome goes to `started`, which callers hold.
        putAdmins(sys, state, admins, settings)
                .thenCompose(v -> bindManagement(sys, settings, state, readiness))
                .thenCompose(management -> bindSocks(sys, settings, state, switches, management, readiness))
                .whenComplete((bindings, failure) -> {
                    if (failure != null) {
                        started.completeExceptionally(failure);
                    } else {
                        started.complete(bindings);
                    }
                });
        return state;
    }

    /** Stores the {@code -u} users as ADMIN, one after the other; fails if one cannot be stored. */
    private static CompletionStage<Void> putAdmins(ActorSystem<?> sys, StateActors state, List<Credentials> admins,
                                                   ServerSettings settings) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        // The user file is loaded and hashes are computed before the first ack; allow for it.
        StateClient users = new StateClient(state, settings.management().askTimeout().multipliedBy(4), sys.scheduler());
        for (Credentials c : admins) {
            chain = chain.thenCompose(v -> users.putUser(c.user(), c.password(), UserDirectory.Role.ADMIN)
                    .thenAccept(reply -> {
                        if (reply instanceof UserDirectory.Added || reply instanceof UserDirectory.Updated) {
                            log.info("ADMIN user [{}] ready", c.user());
                        } else {
                            throw new IllegalStateException("cannot add user " + c.user() + ": " + reply);
                        }
                    }));
        }
        return chain;
    }

    /** The MCP, MASS and PCTP listeners (docs/protocols/), then the HTTP admin listener (docs/operations.md), each unless its port is 0. */
    private static CompletionStage<ManagementBound> bindManagement(ActorSystem<?> sys, ServerSettings settings,
                                                                   StateActors state, Readiness readiness) {
        return ManagementServers.start(sys, settings.management(), state).thenCompose(bound -> {
            List<InetSocketAddress> listeners = bound.all().stream().map(Tcp.ServerBinding::localAddress).toList();
            if (!settings.http().enabled()) {
                return CompletableFuture.completedFuture(new ManagementBound(listeners, Optional.empty()));
            }
            return AdminHttpServer.bind(sys, settings.http(), state, readiness)
                    .thenApply(http -> new ManagementBound(listeners, Optional.of(http.localAddress())));
        });
    }

    /**
     * The SOCKS listener, last, so that its ruleset refuses every bound listener's port as a
     * destination; the configured ports are refused too, even when a listener is disabled.
     */
    private static CompletionStage<Bindings> bindSocks(ActorSystem<?> sys, ServerSettings settings, StateActors state,
                                                       LiveSwitches switches, ManagementBound management,
                                                       Readiness readiness) {
        ProxySettings proxy = settings.proxy();
        Set<Integer> protectedPorts = new HashSet<>(settings.configuredPorts());
        management.listeners().forEach(a -> protectedPorts.add(a.getPort()));
        management.http().ifPresent(a -> protectedPorts.add(a.getPort()));
        Ruleset rules = new Ruleset(proxy.rules(), protectedPorts);
        try {
            SocksServer socks = SocksServer.bind(sys, proxy, state, switches, rules,
                    settings.management().loginThrottle());
            readiness.socksBound();
            return CompletableFuture.completedFuture(new Bindings(socks.localAddress(), management.listeners(), state,
                    socks.relayMemory(), management.http().orElse(null)));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
