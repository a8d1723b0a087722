package socks5d.proxy.relay;

import java.time.Duration;

import org.apache.pekko.actor.typed.ActorSystem;

import socks5d.management.StateActors;
import socks5d.proxy.ProxySettings;
import socks5d.proxy.connect.Resolver;
import socks5d.proxy.rules.Ruleset;

/**
 * What every SOCKS session shares: settings, the state actors it reports to, the resolver, the
 * ruleset and the relay memory budget. Immutable; built once by the server.
 */
public record SessionContext(ActorSystem<?> system, ProxySettings settings, StateActors state,
                             Resolver resolver, Ruleset rules, Duration askTimeout, RelayMemory relayMemory) {

    /** Pekko IO's TCP manager, which dials the destinations. */
    public org.apache.pekko.actor.ActorRef tcpManager() {
        return org.apache.pekko.io.Tcp.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system)).manager();
    }
}
