package socks5d.proxy.relay;

import java.time.Duration;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.io.Tcp;

import socks5d.management.StateActors;
import socks5d.proxy.ProxySettings;
import socks5d.proxy.connect.Resolver;
import socks5d.proxy.rules.Ruleset;

/**
 * What every SOCKS session shares: settings, the state actors it reports to, the resolver, the
 * ruleset, the relay memory budget and Pekko IO's TCP manager (which dials the destinations; looked up
 * once here, not per session). Immutable; built once by the server.
 */
public record SessionContext(ActorSystem<?> system, ProxySettings settings, StateActors state,
                             Resolver resolver, Ruleset rules, Duration askTimeout, RelayMemory relayMemory,
                             ActorRef tcpManager) {

    public SessionContext(ActorSystem<?> system, ProxySettings settings, StateActors state,
                          Resolver resolver, Ruleset rules, Duration askTimeout, RelayMemory relayMemory) {
        this(system, settings, state, resolver, rules, askTimeout, relayMemory,
                Tcp.get(Adapter.toClassic(system)).manager());
    }
}
