package socks5d.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

import socks5d.proxy.AddressedChannel;
import socks5d.proxy.connect.LiteralResolver;
import socks5d.proxy.rules.Ruleset;
import socks5d.proxy.wire.CommandCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;
import socks5d.testkit.bytes.Hex;

/**
 * The UDP association's idle timeout ({@code socks5d.proxy.udp.idle-timeout}, RFC 1928 §7) with the
 * clock as the subject: the control connection is an {@link EmbeddedChannel} on a {@link MockTicker};
 * the relay and outside sockets are embedded channels the association's bootstrap registers on the
 * same loop, so the idle check (every quarter of the timeout) fires only when the test moves the
 * clock. No sockets, no wall-clock waits.
 */
class UdpRelayTest {
    private static final Duration IDLE = Duration.ofSeconds(8);
    private static final long QUARTER_NANOS = IDLE.toNanos() / 4;
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50_000);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 1080);
    private static final InetSocketAddress DESTINATION = new InetSocketAddress("127.0.0.9", 53);

    private final MockTicker clock = Ticker.newMockTicker();
    /** The control connection: from {@link #CLIENT} to the SOCKS listener, on a loop that keeps time by the clock. */
    private final AddressedChannel control = new AddressedChannel(EmbeddedChannel.builder().ticker(clock),
            LISTENER, CLIENT);
    /** The association's sockets in the order it binds them: the relay socket, then the outside one. */
    private final List<AddressedChannel> sockets = new ArrayList<>();
    /** The destinations are literals: nothing is looked up. */
    private final LiteralResolver resolver = new LiteralResolver();
    private InetSocketAddress announced;

    @BeforeEach
    void associate() {
        Bootstrap template = new Bootstrap().channelFactory(() -> {
            AddressedChannel socket = new AddressedChannel(EmbeddedChannel.builder().register(false),
                    new InetSocketAddress(LISTENER.getAddress(), 40_000 + sockets.size()), null);
            sockets.add(socket);
            return socket;
        });
        Request request = new Request(CommandCode.UDP_ASSOCIATE.code(),
                SocksAddress.of(LiteralResolver.literal("0.0.0.0")), 0);
        UdpRelay.open(control, template, request, resolver.resolver(), new Ruleset(new Ruleset.Settings(true, List.of()),
                Set.of()), new UdpRelay.Settings(8, 65_527, IDLE), new UdpRelay.Opened() {
                    @Override
                    public void opened(InetSocketAddress relay) {
                        announced = relay;
                    }

                    @Override
                    public void failed() {
                        throw new AssertionError("both sockets bind");
                    }
                });
        control.runPendingTasks();
        assertNotNull(announced, "the association opened");
        assertEquals(2, sockets.size());
    }

    @AfterEach
    void release() {
        control.finishAndReleaseAll();
        sockets.forEach(EmbeddedChannel::finishAndReleaseAll);
        resolver.close();
    }

    private AddressedChannel relaySocket() {
        return sockets.get(0);
    }

    private AddressedChannel outsideSocket() {
        return sockets.get(1);
    }

    private void advance(long nanos) {
        clock.advance(nanos, TimeUnit.NANOSECONDS);
        control.runScheduledPendingTasks();
    }

    /** A datagram from {@code sender} to the relay socket for {@link #DESTINATION}; true when it went out. */
    private boolean fromClient(InetSocketAddress sender) {
        // RFC 1928 §7: RSV X'0000', FRAG X'00', ATYP IPv4, DST.ADDR 127.0.0.9, DST.PORT 53, DATA "hi".
        ByteBuf datagram = Unpooled.wrappedBuffer(Hex.bytes("00 00 00 01 7f 00 00 09 00 35 68 69"));
        relaySocket().writeInbound(new DatagramPacket(datagram, announced, sender));
        DatagramPacket out = outsideSocket().readOutbound();
        if (out == null) {
            return false;
        }
        try {
            assertEquals(DESTINATION, out.recipient());
            assertEquals("hi", out.content().toString(StandardCharsets.US_ASCII));
            return true;
        } finally {
            out.release();
        }
    }

    /** An answer from {@link #DESTINATION} to the outside socket; checks it reached the client. */
    private void answer() {
        outsideSocket().writeInbound(new DatagramPacket(
                Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), (InetSocketAddress) outsideSocket().localAddress(),
                DESTINATION));
        DatagramPacket out = relaySocket().readOutbound();
        assertNotNull(out, "the answer went to the client");
        out.release();
    }

    private void assertOpen() {
        assertTrue(control.isOpen(), "control connection open");
        assertTrue(relaySocket().isOpen() && outsideSocket().isOpen(), "both sockets open");
    }

    private void assertEnded() {
        assertFalse(control.isOpen(), "control connection closed");
        assertFalse(relaySocket().isOpen(), "relay socket closed");
        assertFalse(outsideSocket().isOpen(), "outside socket closed");
    }

    @Test
    void aQuietAssociationEndsAtTheTimeoutAndNotBefore() {
        advance(IDLE.toNanos() - 1);
        assertOpen();
        advance(1);
        assertEnded();
    }

    @Test
    void aDatagramFromTheClientRestartsTheCount() {
        advance(3 * QUARTER_NANOS);
        assertTrue(fromClient(CLIENT));
        advance(QUARTER_NANOS); // the check at 4/4 sees it
        advance(IDLE.toNanos() - 1);
        assertOpen();
        advance(1);
        assertEnded();
    }

    @Test
    void anAnswerFromADestinationRestartsTheCount() {
        assertTrue(fromClient(CLIENT));
        advance(QUARTER_NANOS + 3 * QUARTER_NANOS);
        answer();
        advance(QUARTER_NANOS);
        advance(IDLE.toNanos() - 1);
        assertOpen();
        advance(1);
        assertEnded();
    }

    @Test
    void aDroppedDatagramIsNoActivity() {
        advance(3 * QUARTER_NANOS);
        // Not from the client's address: dropped, so it does not keep the association alive.
        assertFalse(fromClient(new InetSocketAddress("127.0.0.5", 50_000)));
        advance(QUARTER_NANOS);
        assertEnded();
    }

    @Test
    void closingTheControlConnectionEndsTheAssociationAndItsTimer() {
        advance(QUARTER_NANOS);
        control.close();
        assertEnded();
        advance(2 * IDLE.toNanos()); // the cancelled check finds nothing to do
        assertEnded();
    }
}
