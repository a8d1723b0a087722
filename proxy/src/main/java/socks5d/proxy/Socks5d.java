package socks5d.proxy;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
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

import com.sun.management.UnixOperatingSystemMXBean;
import com.typesafe.config.Config;

import socks5d.management.limits.LoginThrottle;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.http.Readiness;
import socks5d.management.cluster.ClusterSettings;
import socks5d.management.users.UserDirectory;
import socks5d.proxy.relay.RelayMemory;
import socks5d.proxy.rules.Ruleset;
import socks5d.management.admission.ConnectionGauge;
import socks5d.proxy.server.LiveSwitches;
import socks5d.proxy.server.SocksServer;

/**
 * One running socks5d: its actor system, state actors, listeners and shutdown sequence. Used by
 * {@link Main} and by tests that start a server in-process. On shutdown (CoordinatedShutdown) it
 * stops accepting, then waits up to {@code shutdown-grace} for open sessions (docs/operations.md, Signals and shutdown).
 * Thread-safe: all state is in the actor system and in completion stages.
 */
public final class Socks5d {
    private static final Logger log = LoggerFactory.getLogger(Socks5d.class);

    /** Where the listeners ended up (ports resolved when 0 was asked for); a disabled one is {@code null}. */
    public record Bindings(InetSocketAddress socks, List<InetSocketAddress> management, StateActors state,
                           RelayMemory relayMemory, InetSocketAddress http) {
        public Bindings(InetSocketAddress socks, List<InetSocketAddress> management, StateActors state,
                        RelayMemory relayMemory) {
            this(socks, management, state, relayMemory, null);
        }
    }

    private final ActorSystem<Void> system;
    private final CompletableFuture<Bindings> started = new CompletableFuture<>();
    private volatile boolean failed;

    private Socks5d(ServerSettings settings, List<Main.Credentials> admins) {
        ClusterSettings cluster = settings.cluster();
        Config config = settings.pekko();
        // Alone, the node starts as before the cluster code existed: provider local, and none of the
        // remoting and cluster serializers instantiated (docs/operations.md, Cluster).
        Config effective = cluster.enabled() ? config : ClusterSettings.withoutClusterSerializers(config);
        if (cluster.enabled()) {
            // Cluster mode only: the provider, Artery and the cluster settings (docs/operations.md, Cluster).
            effective = cluster.pekkoConfig().withFallback(config);
            if (!cluster.loopback() && !cluster.tls()) {
                log.warn("The cluster port is bound to [{}], not a loopback address, without TLS: user changes"
                        + " (password hashes) cross the network in clear; set socks5d.cluster.tls (README, Cluster)",
                        cluster.host());
            }
            log.info("Cluster mode: node [{}:{}] of cluster [{}], seed nodes {}", cluster.host(), cluster.port(),
                    cluster.name(), cluster.seedNodes());
        }
        this.system = ActorSystem.create(guardian(settings, admins), cluster.systemName("socks5d"), effective);
    }

    /** Starts a server with settings read from {@code config} (tests start one from a Config). */
    public static Socks5d start(Config config, List<Main.Credentials> admins) {
        return start(ServerSettings.fromConfig(config), admins);
    }

    public static Socks5d start(ServerSettings settings, List<Main.Credentials> admins) {
        return new Socks5d(settings, admins);
    }

    public CompletionStage<Bindings> started() {
        return started;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Completes once the actor system has terminated: 0 after a clean stop, 1 if state was lost on the way. */
    public CompletableFuture<Integer> whenStopped() {
        return system.getWhenTerminated().toCompletableFuture().thenApply(done -> failed ? 1 : 0);
    }

    /** Graceful stop: stop accepting, drain open sessions up to the grace period, terminate. */
    public CompletionStage<Done> shutdown() {
        return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
    }

    /** Immediate stop. */
    public void terminate() {
        system.terminate();
    }

    private Behavior<Void> guardian(ServerSettings settings, List<Main.Credentials> admins) {
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

    private StateActors boot(ActorContext<Void> context, ServerSettings server, List<Main.Credentials> admins) {
        ProxySettings settings = server.proxy();
        Duration askTimeout = server.management().askTimeout();
        StateActors state = StateActors.spawn(context, server.state());
        LiveSwitches switches = LiveSwitches.subscribe(context, state.switches(), server.state().switches());
        ActorSystem<?> sys = context.getSystem();

        CompletionStage<Void> usersReady = putAdmins(sys, state, admins, askTimeout);
        CompletionStage<List<Tcp.ServerBinding>> managementBound =
                usersReady.thenCompose(v -> ManagementListeners.start(sys, server.management(), state));
        Readiness readiness = Readiness.watching(sys);
        CompletableFuture<Optional<InetSocketAddress>> httpBound = new CompletableFuture<>();
        CompletionStage<Bindings> all = managementBound.thenCompose(mgmt ->
                ManagementListeners.startHttp(sys, server.http(), state, readiness).thenApply(http -> {
                    httpBound.complete(http);
                    return mgmt;
                })).thenCompose(mgmt -> {
            Set<Integer> protectedPorts = new HashSet<>();
            List<InetSocketAddress> mgmtAddresses = new ArrayList<>();
            for (Tcp.ServerBinding b : mgmt) {
                protectedPorts.add(b.localAddress().getPort());
                mgmtAddresses.add(b.localAddress());
            }
            // Configured ports are protected even when a listener is disabled or not yet bound.
            protectedPorts.addAll(server.configuredPorts());
            httpBound.join().ifPresent(http -> protectedPorts.add(http.getPort()));
            Ruleset rules = new Ruleset(settings.rules(), protectedPorts);
            RelayMemory memory = new RelayMemory(settings.relayMemory(), RelayMemory.sessionsFor(
                    RelayMemory.maxDirectMemory() - settings.relayMemory(), settings.readSize()));
            ConnectionGauge gauge = new ConnectionGauge(settings.maxClients(),
                    ConnectionGauge.descriptorBudget(openFileLimit()));
            long relayedFit = gauge.descriptorBudget() / ConnectionGauge.FDS_PER_CLIENT;
            if (gauge.descriptorBudget() > 0 && (settings.maxClients() == 0 || settings.maxClients() > relayedFit)) {
                log.warn("The open-file limit [{}] leaves descriptors for [{}] relayed clients (two each; a client"
                        + " still negotiating holds one), below max-clients [{}]; clients beyond it are refused at"
                        + " once; raise `ulimit -n` to serve more", openFileLimit(), relayedFit, settings.maxClients());
            }
            long wanted = Math.min(settings.maxClients() == 0 ? Long.MAX_VALUE : settings.maxClients(),
                    gauge.descriptorBudget() > 0 ? relayedFit : Long.MAX_VALUE);
            if (memory.maxSessions() < wanted) {
                log.warn("The direct memory limit [{} MiB] leaves room for [{}] relayed clients (each may hold one"
                        + " [{} KiB] read per direction beyond the relay memory budget); CONNECTs beyond it get reply"
                        + " 0x01; raise -XX:MaxDirectMemorySize to serve more", RelayMemory.maxDirectMemory() >> 20,
                        memory.maxSessions(), settings.readSize() >> 10);
            }
            try {
                SocksServer socks = SocksServer.bind(settings, state, switches, rules, gauge, memory,
                        server.management().loginThrottle());
                log.info("Bound SOCKS listener on [{}]", socks.localAddress());
                registerShutdown(sys, socks, mgmt, gauge);
                readiness.socksBound();
                return CompletableFuture.completedFuture(
                        new Bindings(socks.localAddress(), mgmtAddresses, state, memory, httpBound.join().orElse(null)));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        });
        all.whenComplete((bindings, failure) -> {
            if (failure != null) {
                started.completeExceptionally(failure);
            } else {
                started.complete(bindings);
            }
        });
        return state;
    }

    /** RLIMIT_NOFILE of this process as the JVM sees it (it raises the soft limit to the hard one), or -1. */
    private static long openFileLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    private static CompletionStage<Void> putAdmins(ActorSystem<?> sys, StateActors state,
                                                   List<Main.Credentials> admins, Duration timeout) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        // The user file is loaded and hashes are computed before the first ack; allow for it.
        StateClient users = new StateClient(state, timeout.multipliedBy(4), sys.scheduler());
        for (Main.Credentials c : admins) {
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

    private static void registerShutdown(ActorSystem<?> sys, SocksServer socks,
                                         List<Tcp.ServerBinding> management, ConnectionGauge gauge) {
        CoordinatedShutdown cs = CoordinatedShutdown.get(sys);
        cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind-listeners", () -> {
            log.info("Shutting down: no new connections; [{}] open", gauge.open());
            List<CompletableFuture<?>> unbinds = new ArrayList<>();
            unbinds.add(socks.unbind().toCompletableFuture());
            management.forEach(b -> unbinds.add(b.unbind().toCompletableFuture()));
            return CompletableFuture.allOf(unbinds.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
        });
        cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-sessions",
                () -> gauge.drain().thenApply(v -> Done.getInstance()));
        // The last sessions' counters and access-log lines reach the actors while they still run.
        cs.addTask(CoordinatedShutdown.PhaseServiceStop(), "flush-data-plane",
                () -> socks.flush().thenApply(v -> Done.getInstance()));
        // The event loops stop with the actor system, however it stops (CoordinatedShutdown or terminate()).
        sys.getWhenTerminated().whenComplete((done, failure) -> socks.close());
    }
}
