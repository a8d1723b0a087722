package socks5d.management;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.mass.MassServer;
import socks5d.management.mcp.McpServer;
import socks5d.management.pctp.PctpServer;

/**
 * Starts the management listeners (MCP, MASS, PCTP: docs/protocols/) on one address, each unless its
 * port is 0. The proxy (its {@code Socks5d}) calls {@link #start} once, after spawning the {@link StateActors}.
 * Stateless; the servers run on the given actor system.
 */
public final class ManagementServers {
    private static final Logger log = LoggerFactory.getLogger(ManagementServers.class);

    private ManagementServers() {
    }

    /**
     * The bound listeners; a disabled listener (port 0) is empty. Unbinding is also registered
     * with CoordinatedShutdown by each server.
     */
    public record Bindings(Optional<Tcp.ServerBinding> mcp, Optional<Tcp.ServerBinding> mass,
                           Optional<Tcp.ServerBinding> pctp) {
        /** Every bound listener, in the order MCP, MASS, PCTP. */
        public List<Tcp.ServerBinding> all() {
            List<Tcp.ServerBinding> all = new ArrayList<>();
            mcp.ifPresent(all::add);
            mass.ifPresent(all::add);
            pctp.ifPresent(all::add);
            return all;
        }

        /** Unbinds every listener; open sessions finish on their own. */
        public CompletionStage<Void> unbind() {
            return CompletableFuture.allOf(all().stream()
                    .map(b -> b.unbind().toCompletableFuture()).toArray(CompletableFuture[]::new));
        }
    }

    /**
     * Binds every enabled listener of {@code settings} and completes with their bindings. Logs a
     * WARN first when the listen address is not a loopback address (docs/protocols/mcp.md: MCP has no
     * authentication). If any bind fails (e.g. the port is in use), the listeners that did bind
     * are unbound again and the stage fails with that bind's exception; the caller reports it
     * and exits 1 (docs/operations.md, Exit codes).
     */
    public static CompletionStage<Bindings> start(ActorSystem<?> system, ManagementSettings settings,
                                                  StateActors state) {
        warnUnlessLoopback(settings);
        CompletableFuture<Optional<Tcp.ServerBinding>> mcp = bindIf(settings.mcp().enabled(),
                () -> McpServer.bind(system, settings, state, settings.mcp().port()));
        CompletableFuture<Optional<Tcp.ServerBinding>> mass = bindIf(settings.mass().enabled(),
                () -> MassServer.bind(system, settings, state, settings.mass().port()));
        CompletableFuture<Optional<Tcp.ServerBinding>> pctp = bindIf(settings.pctp().enabled(),
                () -> PctpServer.bind(system, settings, state, settings.pctp().port()));
        List<CompletableFuture<Optional<Tcp.ServerBinding>>> all = List.of(mcp, mass, pctp);
        // Wait for every attempt, success or not, so that no listener is left bound after a failure.
        return CompletableFuture.allOf(all.stream().map(f -> f.handle((b, e) -> null)).toArray(CompletableFuture[]::new))
                .thenCompose(unused -> {
                    Optional<Throwable> failure = all.stream().filter(CompletableFuture::isCompletedExceptionally)
                            .findFirst().map(f -> f.handle((b, e) -> e).join());
                    if (failure.isEmpty()) {
                        return CompletableFuture.completedFuture(new Bindings(mcp.join(), mass.join(), pctp.join()));
                    }
                    // Best effort: the start has failed anyway, and the unbind's own outcome changes nothing.
                    all.stream().filter(f -> !f.isCompletedExceptionally())
                            .forEach(f -> f.join().ifPresent(b -> b.unbind()));
                    return CompletableFuture.<Bindings>failedFuture(unwrap(failure.get()));
                });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** The binding {@code bind} makes when the listener is {@code enabled}, else nothing. */
    private static CompletableFuture<Optional<Tcp.ServerBinding>> bindIf(
            boolean enabled, Supplier<CompletionStage<Tcp.ServerBinding>> bind) {
        return enabled
                ? bind.get().thenApply(Optional::of).toCompletableFuture()
                : CompletableFuture.completedFuture(Optional.empty());
    }

    /** Package-private for its test: the WARN must not need a bind on a public address. */
    static void warnUnlessLoopback(ManagementSettings settings) {
        boolean anyEnabled = settings.mcp().enabled() || settings.mass().enabled() || settings.pctp().enabled();
        if (!anyEnabled) {
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(settings.listenAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            log.warn("Management listen address [{}] is not a loopback address: MCP has no authentication, "
                    + "anyone who can reach it can read metrics and change users", settings.listenAddress());
        }
    }
}
