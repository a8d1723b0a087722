package socks5d.proxy.server;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;

import socks5d.management.StateActors;
import socks5d.management.limits.AddressLimits;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.limits.UserSessions;
import socks5d.management.users.PublishedUsers;
import socks5d.proxy.ProxySettings;
import socks5d.proxy.connect.Resolver;
import socks5d.proxy.relay.RelayMemory;
import socks5d.proxy.relay.Splicing;
import socks5d.proxy.rules.Ruleset;

/**
 * What every SOCKS session shares: settings, the state actors' published snapshots (switches,
 * users), the resolver, the ruleset, admission and the limits, the relay memory budget, the hashing executor and,
 * per event loop, that loop's {@link Accounting} and {@link Logins}. Built once by {@link SocksServer};
 * immutable after that (the per-loop map is filled before any connection is accepted), so sessions
 * read it from their event loops without synchronisation.
 */
final class DataPlane {
    /**
     * One event loop's share: its batched counters, its verified-password cache, the bootstrap of
     * its destination connections (set up once, not per dial) and its splicing ({@code null} when
     * {@code relay.splice-after} is off). Confined to the loop.
     */
    record Loop(Accounting accounting, Logins logins, Bootstrap outbound, Splicing splicing) {
    }

    final ProxySettings settings;
    final LiveSwitches switches;
    final Resolver resolver;
    final Ruleset rules;
    final SocksAdmission admission;
    final RelayMemory relayMemory;
    /** Options of BIND listeners and the connections they accept; cloned onto the client's event loop. */
    final ServerBootstrap inbound;
    /** Options of UDP association sockets; cloned onto the client's event loop. */
    final Bootstrap datagrams;
    /**
     * Per-address admission, or {@code null} when no per-address limit is set (then nothing is
     * looked up per connection). One object for all event loops: Netty assigns accepted connections
     * to loops round robin, so one address's connections are spread over loops; its counters are a
     * lock-free {@code ConcurrentHashMap} ({@link AddressLimits}).
     */
    final AddressLimits addressLimits;
    /** Failed logins per address across all connections and loops (thread-safe, like addressLimits). */
    final LoginThrottle loginThrottle;
    /** Per-user sessions and bandwidth buckets, shared by all loops (thread-safe). */
    final UserSessions userSessions;
    /** The users the directory published: each user's own limits. */
    final PublishedUsers users;
    /** UDP associations open now, against {@code socks5d.proxy.udp.max-associations}. */
    final AtomicInteger udpAssociations = new AtomicInteger();
    private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();

    DataPlane(ProxySettings settings, Transport transport, StateActors state, LiveSwitches switches,
              Resolver resolver, Ruleset rules, SocksAdmission admission, RelayMemory relayMemory,
              EventLoopGroup group, Executor hashing, LoginThrottle loginThrottle) {
        this.settings = settings;
        ProxySettings.Limits limits = settings.limits();
        AddressLimits address = new AddressLimits(limits.addressConnections(), limits.addressNewPerSecond(),
                limits.exemptLoopback(), System::nanoTime);
        this.addressLimits = address.enabled() ? address : null;
        this.loginThrottle = loginThrottle;
        this.userSessions = new UserSessions(limits.userBurst(), System::nanoTime);
        this.users = state.publishedUsers();
        this.switches = switches;
        this.resolver = resolver;
        this.rules = rules;
        this.admission = admission;
        this.relayMemory = relayMemory;
        Bootstrap outbound = new Bootstrap()
                .channel(transport.socketChannel())
                // Pooled direct buffers, reused: Netty 4.2's default allocator zeroed fresh memory on
                // bulk transfers (a tenth of the CPU of a download, measured with perf).
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.connectTimeout().toMillis()))
                // Read only when the relay asks (the peer is writable), never ahead of it.
                .option(ChannelOption.AUTO_READ, false)
                // A FIN from the destination is passed on to the client, not taken as a close.
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // TCP_NODELAY is Netty's default for socket channels (see SocksServer).
                .option(ChannelOption.RCVBUF_ALLOCATOR, SocksServer.readAllocator(settings))
                .handler(SocksServer.NO_HANDLER);
        // A BIND peer's connection is relayed like a CONNECT's destination: the same options.
        this.inbound = new ServerBootstrap()
                .channel(transport.serverChannel())
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, SocksServer.readAllocator(settings));
        this.datagrams = new Bootstrap()
                .channel(transport.datagramChannel())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // One octet more than the largest datagram accepted, so a larger one shows as such.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(settings.udp().maxDatagram() + 1));
        Splicing.Descriptors pipes = new Splicing.Descriptors() {
            @Override
            public boolean tryTake(int n) {
                return admission.tryReserveSpare(n);
            }

            @Override
            public void giveBack(int n) {
                admission.release(n);
            }
        };
        for (EventExecutor e : group) {
            Accounting accounting = new Accounting(state.metrics(), state.accessLog(), admission);
            loops.put(e, new Loop(accounting, new Logins((EventLoop) e, state.publishedUsers(), hashing),
                    outbound.clone((EventLoop) e),
                    settings.spliceAfter() == 0 ? null : new Splicing(settings.spliceAfter(), pipes)));
        }
    }

    Loop loop(EventLoop loop) {
        return loops.get(loop);
    }

    Iterable<Map.Entry<EventExecutor, Loop>> loops() {
        return loops.entrySet();
    }

    /** Write watermarks for a relayed channel: high from the relay buffer switch, low a quarter of it. */
    static WriteBufferWaterMark watermarks(int relayBufferSize) {
        return new WriteBufferWaterMark(Math.max(1, relayBufferSize / 4), relayBufferSize);
    }
}
