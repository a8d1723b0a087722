package socks5d.proxy;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;

import com.typesafe.config.Config;

import socks5d.management.ManagementServers;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;

/** Starts the management listeners (docs/protocols/mcp.md, mass.md, pctp.md) enabled in config; their bindings, for the ruleset and shutdown. */
final class ManagementListeners {
    private ManagementListeners() {
    }

    static CompletionStage<List<Tcp.ServerBinding>> start(ActorSystem<?> system, Config config, StateActors state) {
        return ManagementServers.start(system, ManagementSettings.fromConfig(config), state)
                .thenApply(ManagementServers.Bindings::all);
    }
}
