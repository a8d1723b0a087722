package socks5d.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

import socks5d.proxy.dissect.Credential;

/**
 * The relay's idle timeout with the clock as the subject: client and destination are
 * {@link EmbeddedChannel}s sharing one {@link MockTicker}, so time moves only when the test says so
 * and the idle check (a fixed-rate timer of the client's event loop, every quarter of the timeout)
 * runs only when the test runs the loop's due tasks. No sockets, no wall-clock waits.
 */
class RelayTest {
    private static final Duration IDLE = Duration.ofSeconds(8);
    private static final long QUARTER_NANOS = IDLE.toNanos() / 4;

    private final MockTicker clock = Ticker.newMockTicker();
    private final EmbeddedChannel client = EmbeddedChannel.builder().ticker(clock).build();
    private final EmbeddedChannel dest = EmbeddedChannel.builder().ticker(clock).build();
    private final RelayMemory memory = new RelayMemory(1 << 20, 0);
    private final CountingMeter meter = new CountingMeter();

    @AfterEach
    void release() {
        client.finishAndReleaseAll();
        dest.finishAndReleaseAll();
        assertEquals(0, memory.held(), "every relayed byte is given back to the budget");
    }

    /** Moves the shared clock by {@code nanos} and runs what fell due on the client's loop, where the timer lives. */
    private void advance(long nanos) {
        clock.advance(nanos, TimeUnit.NANOSECONDS);
        client.runScheduledPendingTasks();
        dest.runScheduledPendingTasks();
    }

    private void start(boolean clientFinished) {
        Relay.start(client, null, dest, ByteString.emptyByteString(), clientFinished, meter, memory, IDLE, null, 0, null, null);
    }

    /** Writes {@code text} as read from {@code from} and checks it came out of {@code to} unchanged. */
    private static void send(EmbeddedChannel from, EmbeddedChannel to, String text) {
        from.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        ByteBuf out = to.readOutbound();
        try {
            assertEquals(text, out.toString(StandardCharsets.US_ASCII));
        } finally {
            out.release();
        }
    }

    private void assertOpen() {
        assertTrue(client.isOpen(), "client open");
        assertTrue(dest.isOpen(), "destination open");
        assertEquals(0, meter.ended);
    }

    private void assertEnded() {
        assertFalse(client.isOpen(), "client closed");
        assertFalse(dest.isOpen(), "destination closed");
        assertEquals(1, meter.ended, "the session ended once");
    }

    @Test
    void aQuietSessionStaysOpenJustUnderTheTimeout() {
        start(false);
        advance(IDLE.toNanos() - 1);
        assertOpen();
    }

    @Test
    void aQuietSessionClosesBothSidesAtTheTimeout() {
        start(false);
        // Checks at 1/4, 2/4, 3/4 see no bytes moved; the fourth quiet check, at the timeout, closes.
        advance(3 * QUARTER_NANOS);
        assertOpen();
        advance(QUARTER_NANOS);
        assertEnded();
    }

    @Test
    void aByteFromTheClientRestartsTheCount() {
        start(false);
        advance(3 * QUARTER_NANOS);
        send(client, dest, "x");
        // The next check sees the byte; four quiet checks after it are needed to close.
        advance(QUARTER_NANOS);
        advance(3 * QUARTER_NANOS);
        assertOpen();
        advance(QUARTER_NANOS);
        assertEnded();
        assertEquals(1, meter.fromClient);
    }

    @Test
    void aByteFromTheDestinationRestartsTheCount() {
        start(false);
        advance(3 * QUARTER_NANOS);
        send(dest, client, "y");
        advance(QUARTER_NANOS + 3 * QUARTER_NANOS);
        assertOpen();
        advance(QUARTER_NANOS);
        assertEnded();
        assertEquals(1, meter.fromDest);
    }

    @Test
    void aByteJustAfterACheckKeepsTheSessionForATimeoutAndAQuarter() {
        start(false);
        // The last byte moves just after the check at 1/4: the check at 2/4 sees it, four quiet
        // checks after that one close the session, at 6/4, a quarter more than the timeout after the byte.
        advance(QUARTER_NANOS + 1);
        send(client, dest, "late");
        advance(QUARTER_NANOS - 1);
        advance(IDLE.toNanos() - 1);
        assertOpen();
        advance(1);
        assertEnded();
    }

    @Test
    void aByteJustBeforeACheckKeepsTheSessionForATimeout() {
        start(false);
        advance(QUARTER_NANOS - 1);
        send(dest, client, "early");
        advance(1); // the check at 1/4 sees the byte
        advance(IDLE.toNanos() - 1);
        assertOpen();
        advance(1);
        assertEnded();
    }

    @Test
    void aBusySessionNeverIdlesOut() {
        start(false);
        for (int i = 0; i < 20; i++) {
            send(i % 2 == 0 ? client : dest, i % 2 == 0 ? dest : client, "tick");
            advance(QUARTER_NANOS * 3);
        }
        assertOpen();
    }

    @Test
    void aHalfClosedSessionIsStillSubjectToTheIdleTimeout() {
        start(false);
        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        dest.releaseOutbound(); // the empty write that passes the client's FIN on
        assertOpen(); // the destination may still answer
        send(dest, client, "answer");
        advance(QUARTER_NANOS); // the check at 1/4 sees the answer
        advance(IDLE.toNanos() - 1);
        assertOpen();
        advance(1);
        assertEnded();
    }

    @Test
    void bothDirectionsFinishedEndsTheSessionWithoutTheTimer() {
        start(true);
        dest.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        client.runPendingTasks();
        dest.runPendingTasks();
        assertEnded();
        advance(2 * IDLE.toNanos()); // the cancelled idle check does not end it again
        assertEquals(1, meter.ended);
    }

    @Test
    void anIdleTimeoutOfZeroIsOff() {
        Relay.start(client, null, dest, ByteString.emptyByteString(), false, meter, memory, Duration.ZERO, null, 0, null, null);
        advance(Duration.ofDays(1).toNanos());
        assertOpen();
    }

    private static final class CountingMeter implements Relay.Meter {
        long fromClient;
        long fromDest;
        int ended;

        @Override
        public void relayed(boolean fromClientSide, int bytes) {
            if (fromClientSide) {
                fromClient += bytes;
            } else {
                fromDest += bytes;
            }
        }

        @Override
        public void credential(Credential credential) {
        }

        @Override
        public void ended() {
            ended++;
        }
    }
}
