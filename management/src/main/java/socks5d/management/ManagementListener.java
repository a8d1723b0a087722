package socks5d.management;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.admission.ConnectionGauge;

/**
 * How every management listener binds, admits and stops: MCP, MASS and PCTP bind with
 * {@link #bind}; the HTTP admin listener (pekko-http) shares {@link #admit} and {@link #announce}.
 * A listener serves at most {@code max-connections} connections at once and closes the others at
 * once, logs the address it bound, and unbinds itself once in CoordinatedShutdown. Stateless; the
 * per-listener state (its {@link ConnectionGauge}) is made by the caller or by {@link #bind}.
 */
public final class ManagementListener {
    private static final Logger log = LoggerFactory.getLogger(ManagementListener.class);
    /** Pending connections the OS may queue before accept, on every management listener. */
    public static final int BACKLOG = 100;

    private ManagementListener() {
    }

    /**
     * Binds the TCP listener {@code name} (MCP, MASS, PCTP) on {@code settings.listenAddress()} and
     * {@code port}, half-closed (a client that shuts down its write side after its requests still
     * reads every answer) and closed after {@code idleTimeout} of silence; serves each admitted
     * connection with {@code flow} applied to its remote address. The stage fails if the bind fails
     * (e.g. port in use); the caller reports it and exits (docs/operations.md, Exit codes).
     */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, String name,
                                                          ManagementSettings settings, int port,
                                                          Optional<Duration> idleTimeout,
                                                          Function<InetSocketAddress, Flow<ByteString, ByteString, NotUsed>> flow) {
        ConnectionGauge gauge = new ConnectionGauge(settings.maxConnections());
        CompletionStage<Tcp.ServerBinding> binding = Tcp.get(system)
                .bind(settings.listenAddress(), port, BACKLOG, List.of(), true, idleTimeout)
                .to(Sink.foreach(connection -> admit(gauge, name, connection.remoteAddress(),
                        () -> flow.apply(connection.remoteAddress()), Flow.fromSinkAndSource(Sink.cancelled(), Source.empty()),
                        f -> connection.handleWith(f, system))))
                .run(system);
        return announce(system, name, CoordinatedShutdown.PhaseServiceUnbind(), binding,
                Tcp.ServerBinding::localAddress, Tcp.ServerBinding::unbind);
    }

    /**
     * Where a connection's decoded requests pass on their way to its handler: the first must arrive
     * within {@code first}, each next one within {@code idle} of the one before (when set), else the
     * requests end there: the handler answers what came before and the connection closes, as when the
     * client closes (no error, nothing logged above DEBUG). Counting requests rather than bytes means a
     * client that sends a byte now and then never completing a request cannot hold one of the
     * listener's {@code max-connections} slots.
     */
    public static <T> Flow<T, T, NotUsed> requestDeadlines(Duration first, Optional<Duration> idle) {
        Flow<T, T, NotUsed> f = Flow.<T>create().initialTimeout(first);
        return (idle.isPresent() ? f.idleTimeout(idle.get()) : f).onErrorComplete(TimeoutException.class);
    }

    /**
     * Serves a connection with {@code flow} if {@code gauge} has a slot, releasing the slot when the
     * flow ends; otherwise hands it {@code refuse} (closes it at once: nothing read, nothing
     * written) and warns. {@code handleWith} runs the chosen flow on the connection.
     */
    public static <I, O> void admit(ConnectionGauge gauge, String name, InetSocketAddress remote,
                                    Supplier<Flow<I, O, NotUsed>> flow, Flow<I, O, NotUsed> refuse,
                                    Consumer<Flow<I, O, NotUsed>> handleWith) {
        log.debug("{} connection from [{}]", name, remote);
        if (!gauge.tryOpen()) {
            long refusals = gauge.refused(System.nanoTime());
            if (refusals == 1) {
                log.warn("Refusing {} connection from [{}]: max-connections reached", name, remote);
            } else if (refusals > 1) {
                log.warn("Refusing {} connection from [{}]: max-connections reached ([{}] refused since the last "
                        + "such warning, at most one a [{}] s)", name, remote, refusals,
                        ConnectionGauge.WARN_EVERY_NANOS / 1_000_000_000L);
            } else {
                log.debug("Refusing {} connection from [{}]: max-connections reached", name, remote);
            }
            handleWith.accept(refuse);
            return;
        }
        // The slot is released on the completing thread: a plain whenComplete on Pekko's Java
        // futures would start a thread per connection on a 2-core machine.
        handleWith.accept(flow.get().watchTermination((mat, done) -> {
            done.whenCompleteAsync((d, failure) -> gauge.close(), Runnable::run);
            return mat;
        }));
    }

    /**
     * Once {@code binding} completes, logs {@code name}'s bound address and registers its unbind in
     * CoordinatedShutdown's {@code phase}, one task per listener.
     */
    public static <B> CompletionStage<B> announce(ActorSystem<?> system, String name, String phase,
                                                  CompletionStage<B> binding,
                                                  Function<B, InetSocketAddress> localAddress,
                                                  Function<B, CompletionStage<?>> unbind) {
        return binding.thenApply(b -> {
            InetSocketAddress bound = localAddress.apply(b);
            log.info("Bound {} listener on [{}]", name, bound);
            String task = name.split(" ")[0].toLowerCase(Locale.ROOT) + "-unbind-" + bound.getPort();
            CoordinatedShutdown.get(system).addTask(phase, task,
                    () -> unbind.apply(b).thenApply(unused -> Done.getInstance()));
            return b;
        });
    }
}
