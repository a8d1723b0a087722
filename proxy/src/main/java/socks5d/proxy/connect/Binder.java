package socks5d.proxy.connect;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.proxy.rules.Ruleset;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;

/**
 * Carries out one BIND request (RFC 1928 §6, docs/protocols/socks5.md, BIND): resolves DST.ADDR
 * (IP addresses are taken as they are), refuses with 0x02 if the ruleset denies any of its addresses
 * (the server's own listeners included), asks admission for a descriptor, then listens on the given
 * address at an ephemeral port and waits, at most the bind timeout, for exactly one connection from
 * an address of DST.ADDR (from any address when DST.ADDR is 0.0.0.0 or ::). Connections from other
 * addresses are closed at once. Runs on the client's event loop, where the listener and the accepted
 * connection live too, so the relay needs no hand-off between threads. Confined to that event loop.
 */
public final class Binder {
    private static final Logger log = LoggerFactory.getLogger(Binder.class);
    /** Any port does for asking the system which local address it would send from; nothing is sent. */
    private static final int DISCARD_PORT = 9;

    /** How the BIND goes; called on the event loop. {@link #failed} and {@link #peerConnected} end it. */
    public interface Outcome {
        /** The listener is open at {@code bound}: send the first reply. */
        void listening(InetSocketAddress bound);

        /** The expected host connected; the listener is closed. {@code peer} has AUTO_READ off. */
        void peerConnected(Channel peer);

        /** The BIND failed before or after the first reply. */
        void failed(ReplyCode reply);
    }

    private final EventLoop loop;
    private final Resolver resolver;
    private final Ruleset rules;
    private final ServerBootstrap template;
    private final InetAddress listenOn;
    private final Request request;
    private final Supplier<ReplyCode> admission;
    private final Duration timeout;
    private final Outcome outcome;
    /** Canonical addresses the peer may come from; empty means any. */
    private final Set<InetAddress> expected = new HashSet<>();
    private Channel listener;
    private ScheduledFuture<?> timer;
    /** The peer was taken, the timer fired, or the client went away: nothing more is accepted. */
    private boolean done;
    /** Connections from an unexpected address closed so far (for the DEBUG line). */
    private long refused;

    /**
     * @param template the listener's and the accepted connection's options; cloned onto {@code loop}
     * @param listenOn the address to listen on: the SOCKS listener's local address of this client
     * @param admission called once the ruleset allows DST: {@code null} to go on, or the refusing reply
     */
    public Binder(EventLoop loop, Resolver resolver, Ruleset rules, ServerBootstrap template, InetAddress listenOn,
                  Request request, Supplier<ReplyCode> admission, Duration timeout, Outcome outcome) {
        this.loop = loop;
        this.resolver = resolver;
        this.rules = rules;
        this.template = template;
        this.listenOn = listenOn;
        this.request = request;
        this.admission = admission;
        this.timeout = timeout;
        this.outcome = outcome;
    }

    public void start() {
        SocksAddress address = request.address();
        resolver.resolve(loop, address).addListener((Future<List<InetAddress>> f) -> {
            if (done) {
                return;
            }
            if (f.isSuccess()) {
                resolved(f.getNow());
            } else {
                log.debug("BIND peer [{}] did not resolve: [{}]", address.host(), f.cause().toString());
                finish(ReplyCode.HOST_UNREACHABLE);
            }
        });
    }

    /** The client went away: the listener closes and no outcome is reported. */
    public void cancel() {
        done = true;
        closeListener();
    }

    private void resolved(List<InetAddress> addresses) {
        boolean any = false;
        for (InetAddress a : addresses) {
            if (!rules.allows(request.address().host(), a, request.port())) {
                log.debug("BIND for [{}] ([{}]) port [{}] not allowed by ruleset",
                        request.address().host(), a.getHostAddress(), request.port());
                finish(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET);
                return;
            }
            InetAddress c = Ruleset.canonical(a);
            any |= c.isAnyLocalAddress();
            expected.add(c);
        }
        if (any) {
            // 0.0.0.0 or :: names no host: the first connection from anywhere is taken (docs/protocols/socks5.md).
            expected.clear();
        }
        ReplyCode refusedBy = admission.get();
        if (refusedBy != null) {
            finish(refusedBy);
            return;
        }
        ServerBootstrap b = template.clone().group(loop).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // Decided once the channel is registered and active, outside the initializer.
                ch.eventLoop().execute(() -> accepted(ch));
            }
        });
        InetAddress on = listenAddress();
        ChannelFuture bound = b.bind(on, 0);
        listener = bound.channel();
        bound.addListener((ChannelFuture f) -> {
            if (done) {
                f.channel().close();
            } else if (!f.isSuccess()) {
                log.debug("BIND listener on [{}] failed: [{}]", on, f.cause().toString());
                finish(ReplyCode.GENERAL_FAILURE);
            } else {
                timer = loop.schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
                outcome.listening((InetSocketAddress) f.channel().localAddress());
            }
        });
    }

    /**
     * Where the listener goes: the address the client reached the proxy on, unless the expected host
     * is of the other IP family (a client on IPv4 that expects an IPv6 peer, or the reverse), which
     * could never connect there; then the local address the system would send from towards that host
     * (a connected UDP socket shows it, and sends nothing), so the first reply names an address the
     * peer can reach.
     */
    private InetAddress listenAddress() {
        if (expected.isEmpty()) {
            return listenOn;
        }
        for (InetAddress e : expected) {
            if (e.getClass() == listenOn.getClass()) {
                return listenOn;
            }
        }
        InetAddress peer = expected.iterator().next();
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(peer, DISCARD_PORT);
            InetAddress local = probe.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? listenOn : local;
        } catch (IOException | RuntimeException e) {
            log.debug("BIND for [{}]: no route towards [{}]: [{}]", request.address().host(), peer, e.toString());
            return listenOn;
        }
    }

    private void accepted(Channel ch) {
        InetSocketAddress from = (InetSocketAddress) ch.remoteAddress();
        if (done || from == null) {
            ch.close();
            return;
        }
        if (!expected.isEmpty() && !expected.contains(Ruleset.canonical(from.getAddress()))) {
            refused++;
            log.debug("BIND for [{}]: refusing connection [{}] from [{}]", request.address().host(), refused, from);
            ch.close();
            return;
        }
        done = true;
        closeListener();
        outcome.peerConnected(ch);
    }

    private void timedOut() {
        if (done) {
            return;
        }
        log.debug("BIND for [{}]: no peer within [{}] ms", request.address().host(), timeout.toMillis());
        finish(ReplyCode.TTL_EXPIRED);
    }

    private void finish(ReplyCode reply) {
        done = true;
        closeListener();
        outcome.failed(reply);
    }

    private void closeListener() {
        if (timer != null) {
            timer.cancel(false);
        }
        if (listener != null) {
            listener.close();
        }
    }
}
