package socks5d.proxy.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.StateActors;
import socks5d.management.limits.AddressLimits;
import socks5d.management.limits.LoginThrottle;
import socks5d.proxy.ProxySettings;
import socks5d.proxy.connect.Resolver;
import socks5d.proxy.relay.RelayMemory;
import socks5d.proxy.relay.Splicing;
import socks5d.proxy.rules.Ruleset;

/**
 * The SOCKS data plane (docs/design.md): the event loops, the SOCKS listener, the resolver and the
 * hashing executor, created and shut down here and nowhere else. Each accepted connection is
 * admitted by its {@link SocksAdmission} or closed at once ({@code max-clients} and the descriptor
 * budget, counted as an attempt only), then served by a {@link SocksHandler} on one event loop for its whole life. Each loop
 * reports its counters and access-log entries on its own timer. It logs where it bound and takes
 * part in CoordinatedShutdown itself: unbind, drain, flush, close. Thread-safe: its state is set up
 * before the listener binds and only read afterwards; {@link #unbind} and {@link #close} may be
 * called from any thread.
 */
public final class SocksServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SocksServer.class);

    /** The handler of a destination channel until the relay takes it over. */
    @ChannelHandler.Sharable
    private static final class NoHandler extends ChannelHandlerAdapter {
    }

    static final ChannelHandler NO_HANDLER = new NoHandler();

    /**
     * The first handler of every accepted connection: admits it (the per-address limits, then
     * max-clients and the descriptor budget) and puts the connection's {@link SocksHandler} in its own
     * place, one pipeline change per connection (a {@code ChannelInitializer} adds the handler, removes
     * itself, and keeps every channel it initialises in a concurrent set meanwhile). Netty calls
     * {@code handlerAdded} once the channel is registered with its event loop, before it is active.
     */
    @ChannelHandler.Sharable
    private static final class Admit extends ChannelHandlerAdapter {
        private final DataPlane plane;
        private final SocksAdmission admission;

        Admit(DataPlane plane, SocksAdmission admission) {
            this.plane = plane;
            this.admission = admission;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            DataPlane.Loop loop = plane.loop(ch.eventLoop());
            InetAddress counted = admitAddress(plane, loop, ch);
            if (counted == REFUSED) {
                return;
            }
            if (!admission.tryOpen()) {
                giveBack(counted);
                loop.accounting().rejected++;
                log.debug("Refusing [{}]: max-clients or descriptor budget reached", ch.remoteAddress());
                ch.close();
                return;
            }
            try {
                ctx.pipeline().replace(this, "socks", new SocksHandler(plane, loop, counted));
            } catch (RuntimeException e) {
                // Netty would drop this handler and leave the connection open with nothing to read it
                admission.close();
                giveBack(counted);
                log.warn("Closing [{}]: could not set the connection up: [{}]", ch.remoteAddress(), e.toString());
                ch.close();
            }
        }

        /** The per-address count {@link #admitAddress} took, if it took one. */
        private void giveBack(InetAddress counted) {
            if (counted != null) {
                plane.addressLimits.close(counted);
            }
        }
    }

    private final EventLoopGroup loops;
    private final Resolver resolver;
    private final ThreadPoolExecutor hashing;
    private final DataPlane plane;
    private final Channel listener;

    private SocksServer(EventLoopGroup loops, Resolver resolver, ThreadPoolExecutor hashing,
                        DataPlane plane, Channel listener) {
        this.loops = loops;
        this.resolver = resolver;
        this.hashing = hashing;
        this.plane = plane;
        this.listener = listener;
    }

    /**
     * Starts the event loops, binds the SOCKS listener, logs where, and registers its shutdown with
     * {@code system}'s CoordinatedShutdown (see {@link #registerShutdown}).
     *
     * @throws Exception when the listener cannot bind (the port in use, a bad address)
     */
    public static SocksServer bind(ActorSystem<?> system, ProxySettings settings, StateActors state,
                                   LiveSwitches switches, Ruleset rules,
                                   LoginThrottle.Settings loginThrottle) throws Exception {
        RelayMemory relayMemory = new RelayMemory(settings.relayMemory(), RelayMemory.sessionsFor(
                RelayMemory.maxDirectMemory() - settings.relayMemory(), settings.readSize()));
        SocksAdmission admission = SocksAdmission.forThisProcess(settings, relayMemory);
        Transport transport = Transport.choose(settings.transport());
        EventLoopGroup loops = transport.newEventLoops(settings.eventLoops());
        Resolver resolver = null;
        ThreadPoolExecutor hashing = null;
        try {
            resolver = new Resolver(loops, transport, settings.dns());
            hashing = hashingExecutor(settings.hashingThreads(), settings.hashingQueue());
            DataPlane plane = new DataPlane(settings, transport, state, switches, resolver, rules, admission,
                    relayMemory, loops, hashing, new LoginThrottle("SOCKS", loginThrottle, System::nanoTime));
            if (plane.addressLimits != null) {
                AddressLimits limits = plane.addressLimits;
                ScheduledFuture<?> unused = loops.next().scheduleAtFixedRate(limits::sweep, 1, 1, TimeUnit.SECONDS);
            }
            for (Map.Entry<EventExecutor, DataPlane.Loop> e : plane.loops()) {
                e.getValue().accounting().flushEvery(e.getKey(), settings.metricsFlushInterval());
            }
            InetAddress listenAt = InetAddress.getByName(settings.listenAddress()); // checked by ProxySettings
            ServerBootstrap b = new ServerBootstrap()
                    .group(loops)
                    .channelFactory(transport.serverChannelFor(listenAt))
                    .option(ChannelOption.SO_BACKLOG, settings.backlog())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // Each session asks for its reads: the handshake when it needs bytes, the relay
                    // when the other side can take them.
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.AUTO_READ, false)
                    // A client that shuts its write side still receives the rest of the answer.
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    // No TCP_NODELAY option: Netty sets it on every socket channel it makes (setting
                    // it again cost a system call per socket; TransportTest checks the default).
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, readAllocator(settings))
                    .childHandler(new Admit(plane, admission));
            InetSocketAddress at = new InetSocketAddress(listenAt, settings.port());
            Channel listener;
            try {
                listener = b.bind(at).sync().channel();
            } catch (Exception e) {
                // the operator's line names the listener (docs/operations.md, Exit codes)
                throw new IOException("SOCKS listener on [" + NetUtil.toSocketAddressString(at) + "]: " + e.getMessage(), e);
            }
            log.info("SOCKS data plane on [{}] with [{}] event loops", transport.name(), ((io.netty.util.concurrent.MultithreadEventExecutorGroup) loops).executorCount());
            SocksServer server = new SocksServer(loops, resolver, hashing, plane, listener);
            log.info("Bound SOCKS listener on [{}]", server.localAddress());
            server.registerShutdown(system);
            return server;
        } catch (Exception | Error e) {
            if (resolver != null) {
                resolver.close();
            }
            if (hashing != null) {
                hashing.shutdownNow();
            }
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * What {@link #admitAddress} returns for a refused connection, compared by identity: a client's
     * address is a new object per connection, never this shared instance.
     */
    private static final InetAddress REFUSED = InetAddress.getLoopbackAddress();

    /**
     * The per-address limits (docs/operations.md, Limits): {@code null} when the client's address is
     * not counted (no limits, or an exempt loopback client), the address when it was counted (the
     * session gives it back at its end), or {@link #REFUSED} when the connection was closed.
     */
    private static InetAddress admitAddress(DataPlane plane, DataPlane.Loop loop, Channel ch) {
        AddressLimits limits = plane.addressLimits;
        if (limits == null) {
            return null;
        }
        InetAddress remote = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        if (!limits.counts(remote)) {
            return null;
        }
        AddressLimits.Refusal refusal = limits.tryOpen(remote);
        if (refusal == null) {
            return remote;
        }
        Accounting a = loop.accounting();
        a.rejected++;
        if (refusal == AddressLimits.Refusal.CONCURRENCY) {
            a.refusedAddressConcurrency++;
        } else {
            a.refusedAddressRate++;
        }
        log.debug("Refusing [{}]: per-address limit ({})", ch.remoteAddress(), refusal);
        ch.close();
        return REFUSED;
    }

    /**
     * PBKDF2 checks of logins that miss the verified-password cache: {@code hashing-threads} threads
     * (0: half the cores, at least one), so guessers can take at most that much CPU, and a bounded
     * queue, so a flood of wrong passwords is refused at once instead of queued without end.
     */
    private static ThreadPoolExecutor hashingExecutor(int configured, int queue) {
        int threads = configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queue)), new DefaultThreadFactory("socks5d-hash", true),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Reads of up to {@code relay.read-size} bytes, adapting to what the socket has. */
    static RecvByteBufAllocator readAllocator(ProxySettings settings) {
        int max = settings.readSize();
        return new AdaptiveRecvByteBufAllocator(Math.min(64, max), Math.min(16 * 1024, max), max);
    }

    /**
     * The SOCKS listener's part of the shutdown (docs/operations.md, Signals and shutdown), each task
     * registered once: stop accepting (service-unbind), wait up to the drain phase's timeout for the
     * open sessions (service-requests-done), then send the last counters and access-log entries to the
     * actors while they still run (service-stop). The event loops stop with the actor system, however
     * it stops (CoordinatedShutdown or terminate()).
     */
    private void registerShutdown(ActorSystem<?> system) {
        CoordinatedShutdown cs = CoordinatedShutdown.get(system);
        cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "socks-unbind-" + localAddress().getPort(), () -> {
            log.info("Shutting down: no new connections; [{}] open", plane.admission.open());
            return unbind().thenApply(v -> Done.getInstance());
        });
        cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "socks-drain-sessions",
                () -> plane.admission.drain().thenApply(v -> Done.getInstance()));
        cs.addTask(CoordinatedShutdown.PhaseServiceStop(), "socks-flush-data-plane",
                () -> flush().thenApply(v -> Done.getInstance()));
        system.getWhenTerminated().whenComplete((done, failure) -> close());
    }

    /** The relay memory budget of the sessions (docs/operations.md, Large loads). */
    public RelayMemory relayMemory() {
        return plane.relayMemory;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Stops accepting; open sessions go on. */
    private CompletionStage<Void> unbind() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        listener.close().addListener(f -> done.complete(null));
        return done;
    }

    /**
     * Sends what every event loop counted and logged so far to the actors, completing once all have
     * sent it: called at shutdown after the sessions drained, while the actors still run, so the last
     * sessions' access-log lines and counters are not lost.
     */
    private CompletionStage<Void> flush() {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (Map.Entry<EventExecutor, DataPlane.Loop> e : plane.loops()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sent.add(done);
            if (e.getKey().isShuttingDown()) {
                done.complete(null);
            } else {
                e.getKey().execute(() -> {
                    e.getValue().accounting().run();
                    done.complete(null);
                });
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /**
     * Closes every connection and stops the event loops and executors. Spliced sessions are closed
     * first, on their loops: they are off Netty's registration, so the loops' own shutdown, which
     * closes the channels registered with it, does not see them.
     */
    @Override
    public void close() {
        listener.close();
        List<Future<?>> spliced = new ArrayList<>();
        for (Map.Entry<EventExecutor, DataPlane.Loop> e : plane.loops()) {
            Splicing splicing = e.getValue().splicing();
            if (splicing != null && !e.getKey().isShuttingDown()) {
                spliced.add(e.getKey().submit(splicing::closeAll));
            }
        }
        for (Future<?> f : spliced) {
            f.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        resolver.close();
        hashing.shutdownNow();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
