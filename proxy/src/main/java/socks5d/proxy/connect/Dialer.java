package socks5d.proxy.connect;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.proxy.rules.Ruleset;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;

/**
 * Opens the destination connection of one CONNECT request (RFC 1928 §4, §6): resolves the name
 * (IP addresses are taken as they are), refuses with 0x02 if the ruleset denies any resolved
 * address (the server's own listeners included), asks admission for an outbound socket, then dials
 * every address in turn, each with the connect timeout, until one answers. The reply for a failure
 * is that of the last attempt ({@link ConnectFailures}). Runs on the client's event loop and dials
 * on it, so the relay needs no hand-off between threads. Confined to that event loop.
 */
public final class Dialer {
    private static final Logger log = LoggerFactory.getLogger(Dialer.class);

    /** How a dial ended; called on the event loop, exactly once. */
    public interface Outcome {
        void connected(Channel destination);

        void failed(ReplyCode reply);
    }

    private final EventLoop loop;
    private final Resolver resolver;
    private final Ruleset rules;
    private final Bootstrap bootstrap;
    private final Request request;
    private final Supplier<ReplyCode> admission;
    private final Outcome outcome;
    private List<InetAddress> candidates = List.of();
    private int next;
    private ReplyCode lastFailure = ReplyCode.GENERAL_FAILURE;
    private ChannelFuture attempt;
    private boolean cancelled;

    /**
     * @param bootstrap the outbound options, on {@code loop}
     * @param admission called once the ruleset allows the destination: {@code null} to go on, or the
     *                  reply that refuses it (no descriptor or memory left)
     */
    public Dialer(EventLoop loop, Resolver resolver, Ruleset rules, Bootstrap bootstrap, Request request,
                  Supplier<ReplyCode> admission, Outcome outcome) {
        this.loop = loop;
        this.resolver = resolver;
        this.rules = rules;
        this.bootstrap = bootstrap;
        this.request = request;
        this.admission = admission;
        this.outcome = outcome;
    }

    public void start() {
        SocksAddress address = request.address();
        resolver.resolve(loop, address).addListener((Future<List<InetAddress>> f) -> {
            if (cancelled) {
                return;
            }
            if (f.isSuccess()) {
                resolved(f.getNow());
            } else {
                log.debug("[{}] did not resolve: [{}]", address.host(), f.cause().toString());
                outcome.failed(ReplyCode.HOST_UNREACHABLE);
            }
        });
    }

    /** The client went away: a connection still being set up is closed, and no outcome is reported. */
    public void cancel() {
        cancelled = true;
        if (attempt != null) {
            attempt.channel().close();
        }
    }

    private void resolved(List<InetAddress> addresses) {
        for (InetAddress a : addresses) {
            if (!rules.allows(request.address().host(), a, request.port())) {
                log.debug("CONNECT to [{}] ([{}]) port [{}] not allowed by ruleset",
                        request.address().host(), a.getHostAddress(), request.port());
                outcome.failed(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET);
                return;
            }
        }
        ReplyCode refused = admission.get();
        if (refused != null) {
            outcome.failed(refused);
            return;
        }
        candidates = addresses;
        dialNext();
    }

    private void dialNext() {
        if (next >= candidates.size()) {
            outcome.failed(lastFailure);
            return;
        }
        InetSocketAddress remote = new InetSocketAddress(candidates.get(next++), request.port());
        attempt = bootstrap.connect(remote);
        attempt.addListener((ChannelFuture f) -> {
            attempt = null;
            if (cancelled) {
                f.channel().close();
            } else if (f.isSuccess()) {
                outcome.connected(f.channel());
            } else {
                lastFailure = ConnectFailures.replyFor(f.cause());
                log.debug("Connect to [{}] failed ([{}]): [{}]", remote, lastFailure, f.cause().toString());
                dialNext();
            }
        });
    }
}
