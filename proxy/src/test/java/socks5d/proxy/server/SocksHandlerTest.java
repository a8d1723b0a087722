package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

import socks5d.management.StateActors;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.metrics.Observations;
import socks5d.proxy.AddressedChannel;
import socks5d.proxy.ProxySettings;
import socks5d.proxy.connect.LiteralResolver;
import socks5d.proxy.relay.RelayMemory;
import socks5d.proxy.rules.Ruleset;
import socks5d.testkit.bytes.Hex;

/**
 * The handshake timeout of {@link SocksHandler} ({@code socks5d.proxy.handshake-timeout},
 * docs/protocols/socks5.md) with the clock as the subject: the client is an {@link EmbeddedChannel}
 * on a {@link MockTicker}, so the timer (scheduled on the client's event loop at accept) fires only
 * when the test moves the clock. The {@link DataPlane} is a real one over state actors of an
 * {@link ActorTestKit}, built on the client's event loop; nothing is bound, dialed or looked up.
 */
class SocksHandlerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50_000);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 1080);

    @TempDir
    Path dataDir;

    private ActorTestKit testKit;
    private final MockTicker clock = Ticker.newMockTicker();
    /** A client connection to the SOCKS listener, on an event loop that keeps time by {@code clock}. */
    private final AddressedChannel client = new AddressedChannel(EmbeddedChannel.builder().ticker(clock),
            LISTENER, CLIENT);
    /** Nothing here resolves a name. */
    private final LiteralResolver resolver = new LiteralResolver();
    private SocksAdmission admission;
    private DataPlane.Loop loop;

    @BeforeEach
    void plane() throws Exception {
        Config config = ConfigFactory.parseString(String.join("\n",
                        "socks5d.proxy.handshake-timeout = " + TIMEOUT.toSeconds() + "s",
                        "socks5d.proxy.dns.nameservers = [\"127.0.0.1:1\"]",
                        "socks5d.management.users.data-dir = \"" + dataDir.toString().replace("\\", "/") + "\""))
                .withFallback(ConfigFactory.load())
                .resolve();
        testKit = ActorTestKit.create(config);
        ProxySettings settings = ProxySettings.fromConfig(config);
        StateActors.Settings stateSettings = StateActors.Settings.fromConfig(config);
        CompletableFuture<StateActors> state = new CompletableFuture<>();
        CompletableFuture<LiveSwitches> switches = new CompletableFuture<>();
        testKit.spawn(Behaviors.setup(context -> {
            StateActors s = StateActors.spawn(context, stateSettings);
            switches.complete(LiveSwitches.subscribe(context, s.switches(), stateSettings.switches()));
            state.complete(s);
            return Behaviors.empty();
        }), "state");
        admission = new SocksAdmission(0, 0);
        DataPlane plane = new DataPlane(settings, Transport.choose("nio"), state.get(10, TimeUnit.SECONDS),
                switches.get(10, TimeUnit.SECONDS), resolver.resolver(),
                new Ruleset(settings.rules(), Set.of()), admission, new RelayMemory(1 << 20, 0),
                client.eventLoop(), Runnable::run,
                new LoginThrottle("SOCKS", LoginThrottle.Settings.fromConfig(config), System::nanoTime));
        loop = plane.loop(client.eventLoop());
        // As SocksServer's acceptor does: admitted, then the handler sees the connection become active.
        assertTrue(admission.tryOpen());
        client.pipeline().addLast("socks", new SocksHandler(plane, loop, null));
        client.pipeline().fireChannelActive();
    }

    @AfterEach
    void stop() {
        client.finishAndReleaseAll();
        resolver.close();
        testKit.shutdownTestKit();
    }

    private void advance(Duration by) {
        clock.advance(by.toNanos(), TimeUnit.NANOSECONDS);
        client.runScheduledPendingTasks();
    }

    private void assertClosedByTheTimer() {
        assertFalse(client.isOpen(), "closed at the timeout");
        Accounting a = loop.accounting();
        assertEquals(1, a.opened);
        assertEquals(1, a.closed);
        assertEquals(1, a.failed);
        assertEquals(1, a.replies[Observations.NO_REPLY], "ended without a reply to a request");
        assertEquals(0, admission.open(), "the client's place is given back");
    }

    @Test
    void aSilentClientIsClosedAtTheTimeoutAndNotBefore() {
        advance(TIMEOUT.minusNanos(1));
        assertTrue(client.isOpen(), "open just under the timeout");
        assertEquals(0, loop.accounting().closed);
        advance(Duration.ofNanos(1));
        assertClosedByTheTimer();
    }

    @Test
    void theTimeoutCountsFromAcceptNotFromTheLastByte() {
        advance(TIMEOUT.minusSeconds(1));
        // RFC 1928 §3: VER 5, NMETHODS 2, NO AUTHENTICATION REQUIRED, USERNAME/PASSWORD.
        client.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("05 02 00 02")));
        ByteBuf selection = client.readOutbound();
        try {
            assertEquals(2, selection.readableBytes(), "a method selection (VER, METHOD) was answered");
        } finally {
            selection.release();
        }
        assertTrue(client.isOpen());
        advance(Duration.ofSeconds(1));
        assertClosedByTheTimer();
    }
}
