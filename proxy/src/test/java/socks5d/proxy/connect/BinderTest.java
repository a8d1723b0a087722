package socks5d.proxy.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.embedded.EmbeddedChannel;

import socks5d.proxy.AddressedChannel;
import socks5d.proxy.rules.Ruleset;
import socks5d.proxy.wire.CommandCode;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;

/**
 * The BIND timeout (RFC 1928 §6, docs/protocols/socks5.md, BIND) with the clock as the subject: the
 * client's event loop is an {@link EmbeddedChannel}'s, with its time frozen and moved by the test; the
 * listener and the peers it accepts are embedded channels registered on that loop. No sockets, no
 * wall-clock waits.
 */
class BinderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress LISTENING = new InetSocketAddress(LOOPBACK, 40_000);
    /** DST.ADDR of the request: the only host whose connection is taken. */
    private static final InetAddress EXPECTED = LiteralResolver.literal("127.0.0.2");

    private final EmbeddedChannel client = new EmbeddedChannel();
    /** DST.ADDR is a literal: nothing is looked up. */
    private final LiteralResolver resolver = new LiteralResolver();
    private final Ruleset rules = new Ruleset(new Ruleset.Settings(true, List.of()), Set.of());
    private final List<EmbeddedChannel> listeners = new ArrayList<>();
    private final Recorder outcome = new Recorder();
    private Binder binder;

    @AfterEach
    void release() {
        client.finishAndReleaseAll();
        listeners.forEach(EmbeddedChannel::finishAndReleaseAll);
        resolver.close();
    }

    /** Starts a BIND for {@link #EXPECTED} and runs the loop until its listener is bound. */
    private void startBind() {
        client.freezeTime();
        ServerBootstrap template = new ServerBootstrap().channelFactory(() -> {
            EmbeddedListener l = new EmbeddedListener();
            listeners.add(l);
            return l;
        });
        Request request = new Request(CommandCode.BIND.code(), SocksAddress.of(EXPECTED), 0);
        binder = new Binder(client.eventLoop(), resolver.resolver(), rules, template, LOOPBACK, request, () -> null,
                TIMEOUT, outcome);
        binder.start();
        client.runPendingTasks();
        assertEquals(LISTENING, outcome.listening, "the first reply is due");
        assertEquals(1, listeners.size());
    }

    private void advance(Duration by) {
        client.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        client.runScheduledPendingTasks();
    }

    /** A connection from {@code from} reaches the listener, as an accepted socket would. */
    private AddressedChannel connect(InetAddress from) {
        AddressedChannel peer = new AddressedChannel(EmbeddedChannel.builder().register(false), null,
                new InetSocketAddress(from, 50_000));
        listeners.get(0).pipeline().fireChannelRead(peer);
        client.runPendingTasks();
        return peer;
    }

    @Test
    void noPeerWithinTheTimeoutFailsWithTtlExpired() {
        startBind();
        advance(TIMEOUT.minusNanos(1));
        assertNull(outcome.failed, "still waiting just under the timeout");
        assertTrue(listeners.get(0).isOpen());
        advance(Duration.ofNanos(1));
        assertSame(ReplyCode.TTL_EXPIRED, outcome.failed);
        assertFalse(listeners.get(0).isOpen(), "the listener is closed");
    }

    @Test
    void thePeerBeforeTheTimeoutStopsTheClock() {
        startBind();
        advance(TIMEOUT.minusNanos(1));
        AddressedChannel peer = connect(EXPECTED);
        assertSame(peer, outcome.peer);
        assertFalse(listeners.get(0).isOpen(), "the listener is closed once the peer is taken");
        advance(TIMEOUT);
        assertNull(outcome.failed, "no second outcome");
        assertTrue(peer.isOpen());
        peer.finishAndReleaseAll();
    }

    @Test
    void aRefusedConnectionDoesNotStopTheClock() {
        startBind();
        AddressedChannel stranger = connect(LiteralResolver.literal("127.0.0.3"));
        assertFalse(stranger.isOpen(), "a connection from another host is closed at once");
        assertNull(outcome.peer);
        advance(TIMEOUT);
        assertSame(ReplyCode.TTL_EXPIRED, outcome.failed);
        stranger.finishAndReleaseAll();
    }

    @Test
    void aCancelledBindReportsNothingAtTheTimeout() {
        startBind();
        binder.cancel();
        assertFalse(listeners.get(0).isOpen());
        advance(TIMEOUT.multipliedBy(2));
        assertNull(outcome.failed);
        assertNull(outcome.peer);
    }

    /** A listener registered on the client's loop, at a fixed loopback address. */
    private static final class EmbeddedListener extends AddressedChannel implements ServerChannel {
        EmbeddedListener() {
            super(EmbeddedChannel.builder().register(false), LISTENING, null);
        }
    }

    private static final class Recorder implements Binder.Outcome {
        InetSocketAddress listening;
        Channel peer;
        ReplyCode failed;

        @Override
        public void listening(InetSocketAddress bound) {
            assertNull(listening, "listening is reported once");
            listening = bound;
        }

        @Override
        public void peerConnected(Channel p) {
            assertNotNull(listening);
            peer = p;
        }

        @Override
        public void failed(ReplyCode reply) {
            assertNull(failed, "failed is reported once");
            failed = reply;
        }
    }
}
