package socks5d.proxy.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.admission.ConnectionGauge;
import socks5d.management.metrics.Metrics;
import socks5d.proxy.relay.SessionContext;
import socks5d.proxy.relay.SessionStage;

/**
 * Binds the SOCKS listener (SPEC §3, §4) and hands each accepted connection to a
 * {@link SessionStage}. Enforces {@code max-clients}: an excess connection is closed at once and
 * counted as an attempt only (SPEC §6). Stateless apart from the gauge it is given.
 */
public final class SocksServer {
    private static final Logger log = LoggerFactory.getLogger(SocksServer.class);

    private SocksServer() {
    }

    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, SessionContext context,
                                                          LiveSwitches switches, ConnectionGauge gauge) {
        var settings = context.settings();
        return Tcp.get(system)
                .bind(settings.listenAddress(), settings.port(), settings.backlog(), List.of(),
                        true, // half-close: a client that shuts its write side still receives the rest of the reply
                        // No idle-timeout stages per connection: the session checks idleness on its own
                        // timer (SessionStage), which spares three stages and a timer per client.
                        Optional.empty())
                .to(Sink.foreach(connection -> {
                    if (!gauge.tryOpen()) {
                        context.state().metrics().tell(Metrics.ConnectionRejected.INSTANCE);
                        log.debug("Refusing [{}]: max-clients reached", connection.remoteAddress());
                        connection.handleWith(ConnectionGauge.REFUSE, system);
                        return;
                    }
                    context.state().metrics().tell(Metrics.ConnectionOpened.INSTANCE);
                    connection.handleWith(
                            SessionStage.flow(context, connection.remoteAddress(), switches.get(), gauge),
                            system);
                }))
                .run(system);
    }
}
