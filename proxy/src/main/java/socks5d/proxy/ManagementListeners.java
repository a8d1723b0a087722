package socks5d.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;

import socks5d.management.ManagementServers;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.http.AdminHttpServer;
import socks5d.management.http.HttpSettings;
import socks5d.management.http.Readiness;

/** Starts the management listeners (docs/protocols/mcp.md, mass.md, pctp.md) enabled in config; their bindings, for the ruleset and shutdown. */
final class ManagementListeners {
    private ManagementListeners() {
    }

    static CompletionStage<List<Tcp.ServerBinding>> start(ActorSystem<?> system, ManagementSettings settings,
                                                          StateActors state) {
        return ManagementServers.start(system, settings, state)
                .thenApply(ManagementServers.Bindings::all);
    }

    /** The HTTP admin listener (docs/operations.md, HTTP admin endpoint) unless its port is 0; where it bound. */
    static CompletionStage<Optional<InetSocketAddress>> startHttp(ActorSystem<?> system, HttpSettings settings,
                                                                 StateActors state, Readiness readiness) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return AdminHttpServer.bind(system, settings, state, readiness).thenApply(b -> Optional.of(b.localAddress()));
    }
}
