package socks5d.proxy.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.limits.TokenBucket;
import socks5d.management.limits.UserSessions;
import socks5d.proxy.dissect.Credential;
import socks5d.proxy.dissect.Dissector;

/**
 * Relays bytes between a client and its destination once the SOCKS reply is sent (RFC 1928 §6):
 * each {@link ByteBuf} read on one side is written to the other untouched (no copy, no actor
 * message, no stream), and each side is read again only while the other side is writable (its
 * outbound buffer is below the high watermark) and, if it still holds unwritten bytes, while the
 * relay memory budget has room. So a slow reader slows its writer through TCP flow control and
 * the memory a session holds stays bounded. A FIN is propagated once everything read before it is
 * written ({@code shutdownOutput}), so a client that half-closes still receives the rest of the
 * answer; the session ends when both directions are finished, or at once on an error, a reset or
 * the idle timeout. Password dissectors see a copy of the first bytes of each direction and then
 * step out of the path. A session of a user with a bandwidth limit draws every read from the
 * user's bucket of that direction and, when the bucket is in debt, reads that side again only after
 * the bucket has refilled (a timer of the loop): it slows its sender by not reading, never by
 * buffering. An unshaped session only checks that it has no bucket.
 *
 * <p>A session that has relayed {@code relay.splice-after} bytes, on Netty's epoll transport, unshaped
 * and with its dissectors done, is a bulk transfer: it stops reading, lets the writes in flight
 * complete, takes both channels off Netty's epoll registration and hands them to a {@link Splice},
 * which moves the rest of its bytes with splice(2) inside the kernel (docs/design.md, Splicing). A
 * read Netty still delivers during the hand-over is carried over and written first. If the
 * descriptor budget has no room for the pipes, the session keeps copying.
 *
 * <p>Confined to the event loop both channels live on (the destination is dialed on the client's
 * loop): no field needs synchronisation.
 */
public final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** A shaped session's reads carry at most this fraction of a second of its user's rate ... */
    private static final long SHAPED_READS_PER_SECOND = 128;
    /** ... but at least this many bytes, and at most this many. */
    private static final int MIN_SHAPED_READ = 1024;
    private static final int MAX_SHAPED_READ = 128 * 1024;
    /** Idle checks per idle timeout. */
    private static final int IDLE_CHECKS = 4;

    /** What the relay reports about the session it carries. Called on the event loop. */
    public interface Meter {
        /** {@code bytes} were read from one side and handed to the other. */
        void relayed(boolean fromClient, int bytes);

        /** A dissector reported a credential. */
        void credential(Credential credential);

        /** The session waited for its user's bandwidth (docs/operations.md, Limits); called per pause. */
        default void shaped() {
        }

        /** Both channels are closed; called once. */
        void ended();
    }

    private final Channel client;
    private final Channel dest;
    private final Meter meter;
    private final RelayMemory memory;
    private final long idleNanos;
    private final Half fromClient;
    private final Half fromDest;
    private Dissector dissector;
    /** Bytes of each direction the dissectors still look at; nothing is copied beyond them. */
    private int clientInspect;
    private int serverInspect;
    /** Bytes relayed both ways, and their count at the last idle check. */
    private long moved;
    private long movedAtCheck;
    private int quietChecks;
    private ScheduledFuture<?> idleCheck;
    /** When this session moves to splice(2); null: never (off, not epoll, shaped, or given up). */
    private Splicing splicing;
    /** Relayed enough to be spliced: no more reads; the hand-over waits for the writes in flight. */
    private boolean spliceWanted;
    /** Both channels are leaving Netty's epoll registration: a read that still arrives is carried over. */
    private boolean handingOver;
    /** The pipes of the hand-over and, once it is done, the splicing; null while copying. */
    private Splice splice;
    private int closedChannels;
    /** Both channels closed and every held byte given back: late write completions change nothing. */
    private boolean ended;

    private Relay(Channel client, Channel dest, Meter meter, RelayMemory memory, Duration idleTimeout,
                  Dissector dissector, int inspectBytes, UserSessions.Grant shaping, Splicing splicing) {
        this.client = client;
        this.dest = dest;
        this.meter = meter;
        this.memory = memory;
        this.idleNanos = idleTimeout.toNanos();
        this.dissector = dissector;
        this.clientInspect = inspectBytes;
        this.serverInspect = inspectBytes;
        this.fromClient = new Half(client, dest, true, shaping == null ? null : shaping.up());
        this.fromDest = new Half(dest, client, false, shaping == null ? null : shaping.down());
        this.splicing = splicing != null && shaping == null && Splice.possible(client, dest) ? splicing : null;
    }

    /**
     * Starts relaying. The SOCKS reply must already be written on {@code client}; its pipeline must
     * have no handler left that reads but {@code handshake}, which the relay takes the place of (one
     * pipeline change instead of a removal and an addition; {@code null} when there is none).
     * {@code pipelined} is what the client sent after its request and goes to the destination first;
     * {@code clientFinished} says the client already half-closed.
     *
     * @param dissector the password dissectors for this session, or {@code null} when off
     * @param shaping   the user's bandwidth buckets, or {@code null} when the session is not shaped
     * @param splicing  when the session moves to splice(2), its event loop's, or {@code null}: it never does
     */
    public static void start(Channel client, ChannelHandler handshake, Channel dest, ByteString pipelined,
                             boolean clientFinished, Meter meter, RelayMemory memory, Duration idleTimeout, Dissector dissector,
                             int inspectBytes, UserSessions.Grant shaping, Splicing splicing) {
        Relay relay = new Relay(client, dest, meter, memory, idleTimeout, dissector, inspectBytes, shaping,
                splicing);
        relay.begin(handshake, pipelined, clientFinished);
    }

    private void begin(ChannelHandler handshake, ByteString pipelined, boolean clientFinished) {
        ChannelFutureListener onClose = f -> channelClosed();
        client.closeFuture().addListener(onClose);
        dest.closeFuture().addListener(onClose);
        if (handshake == null) {
            client.pipeline().addLast("relay", fromClient);
        } else {
            client.pipeline().replace(handshake, "relay", fromClient);
        }
        dest.pipeline().addLast("relay", fromDest);
        if (!pipelined.isEmpty()) {
            fromClient.relay(Unpooled.wrappedBuffer(pipelined.toArrayUnsafe()));
            dest.flush();
        }
        if (idleNanos > 0) {
            long every = idleNanos / IDLE_CHECKS;
            idleCheck = client.eventLoop().scheduleAtFixedRate(this::checkIdle, every, every, TimeUnit.NANOSECONDS);
        }
        if (clientFinished) {
            fromClient.inputDone();
        } else {
            fromClient.readIfAllowed();
        }
        fromDest.readIfAllowed();
    }

    /**
     * Runs every quarter of the idle timeout: a session through which nothing moved for
     * {@link #IDLE_CHECKS} checks in a row is closed, so between 1 and 1.25 idle timeouts after its last
     * byte. Counting bytes instead of reading the clock keeps the per-read path free of clock calls.
     */
    private void checkIdle() {
        if (moved != movedAtCheck) {
            movedAtCheck = moved;
            quietChecks = 0;
        } else if (++quietChecks >= IDLE_CHECKS) {
            log.debug("Relay of [{}] idle for [{}] ms, closing", client.remoteAddress(), idleNanos / 1_000_000);
            closeBoth();
        }
    }

    /** Ends the session: the splicing first, if any, so its sockets leave epoll before they close. */
    private void closeBoth() {
        if (splice != null) {
            splice.stop();
        }
        client.close();
        dest.close();
    }

    private void channelClosed() {
        if (++closedChannels == 2) {
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
            fromClient.releaseAll();
            fromDest.releaseAll();
            if (splice != null) {
                splice.stop();
                splicing.descriptors().giveBack(Splice.PIPE_DESCRIPTORS);
            }
            ended = true;
            meter.ended();
        }
    }

    /**
     * Hands the session to a {@link Splice} once nothing is in flight: no write incomplete and no FIN
     * on its way. Until then the writes complete and call again; nothing more is read meanwhile.
     */
    private void handOverWhenQuiet() {
        if (handingOver || splice != null || ended || fromClient.held != 0 || fromDest.held != 0
                || fromClient.finOnItsWay() || fromDest.finOnItsWay() || !client.isActive() || !dest.isActive()) {
            return;
        }
        if (!splicing.descriptors().tryTake(Splice.PIPE_DESCRIPTORS)) {
            keepCopying("the descriptor budget has no room for its pipes");
            return;
        }
        try {
            splice = new Splice(client, dest, splicing, new Splice.Owner() {
                @Override
                public void spliced(boolean fromClientSide, int bytes) {
                    moved += bytes;
                    meter.relayed(fromClientSide, bytes);
                }

                @Override
                public void finished() {
                    closeBoth();
                }

                @Override
                public void failed(Throwable cause) {
                    log.debug("Relay of [{}]: splicing failed: [{}]", client.remoteAddress(), cause.toString());
                    closeBoth();
                }
            });
        } catch (IOException e) {
            splicing.descriptors().giveBack(Splice.PIPE_DESCRIPTORS);
            keepCopying(e.toString());
            return;
        }
        handingOver = true;
        int[] left = {2};
        ChannelFutureListener deregistered = f -> {
            if (--left[0] == 0) {
                takeOver();
            }
        };
        client.deregister().addListener(deregistered);
        dest.deregister().addListener(deregistered);
    }

    private void keepCopying(String why) {
        log.debug("Relay of [{}] keeps copying: [{}]", client.remoteAddress(), why);
        splicing = null;
        spliceWanted = false;
        fromClient.readIfAllowed();
        fromDest.readIfAllowed();
    }

    /** Both channels are off Netty's registration: the splice takes them over, unless the session ended meanwhile. */
    private void takeOver() {
        handingOver = false;
        Splice.Start up = fromClient.handOver();
        Splice.Start down = fromDest.handOver();
        if (ended || !client.isActive() || !dest.isActive()) {
            up.carry().release();
            down.carry().release();
            closeBoth();
            return;
        }
        log.debug("Relay of [{}] moves to splice after [{}] bytes", client.remoteAddress(), moved);
        splice.take(up, down);
    }

    private void dissect(boolean fromClientSide, ByteBuf buf) {
        int n = Math.min(buf.readableBytes(), fromClientSide ? clientInspect : serverInspect);
        if (n == 0) {
            return;
        }
        if (fromClientSide) {
            clientInspect -= n;
        } else {
            serverInspect -= n;
        }
        byte[] copy = new byte[n];
        buf.getBytes(buf.readerIndex(), copy);
        ByteString bytes = ByteString.fromArrayUnsafe(copy);
        if (fromClientSide) {
            dissector.onClientBytes(bytes, meter::credential);
        } else {
            dissector.onServerBytes(bytes, meter::credential);
        }
        if (dissector.done()) {
            dissector = null; // from here on the relay does no inspection at all
        }
    }

    /** One direction: reads {@code from}, writes {@code to}. */
    private final class Half extends ChannelInboundHandlerAdapter {
        private final Channel from;
        private final Channel to;
        private final boolean isClient;
        /** Bytes read from {@code from} whose write to {@code to} has not completed (counted in the budget). */
        private long held;
        private boolean awaitingRoom;
        private boolean inputDone;
        private boolean outputShut;
        private final Runnable wake = this::onRoom;
        /** The user's bucket for this direction, or null when unshaped (then this null check is all it costs). */
        private final TokenBucket bucket;
        /** Waiting for the bucket: no read until the timer clears it. */
        private boolean waitingForTokens;
        private final Runnable tokens = this::onTokens;
        /** Read during the hand-over to a {@link Splice}, which writes it first; null otherwise. */
        private ByteBuf carry;

        Half(Channel from, Channel to, boolean isClient, TokenBucket bucket) {
            this.from = from;
            this.to = to;
            this.isClient = isClient;
            this.bucket = bucket;
            if (bucket != null) {
                // Reads of at most 1/128 s of the user's rate: each read is charged after it is made, so
                // smaller reads keep the bytes a user's sessions move ahead of their bucket small.
                int max = (int) Math.max(MIN_SHAPED_READ,
                        Math.min(MAX_SHAPED_READ, bucket.rate() / SHAPED_READS_PER_SECOND));
                from.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, Math.min(1024, max), max));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            relay(buf);
        }

        void relay(ByteBuf buf) {
            int n = buf.readableBytes();
            if (n == 0) {
                buf.release();
                return;
            }
            moved += n;
            if (dissector != null) {
                dissect(isClient, buf);
            }
            meter.relayed(isClient, n);
            if (handingOver) {
                carry = carry == null ? buf : Unpooled.wrappedBuffer(carry, buf);
                return;
            }
            if (splicing != null && moved >= splicing.after() && dissector == null) {
                spliceWanted = true;
            }
            held += n;
            memory.take(n);
            if (bucket != null) {
                shape(n);
            }
            to.write(buf).addListener(f -> written(n));
        }

        /**
         * Takes {@code n} bytes from the user's bucket; when it is in debt, stops reading this side
         * until the bucket has room again (the bytes wait in the socket, TCP slows the sender).
         */
        private void shape(int n) {
            long wait = bucket.take(n);
            if (wait > 0 && !waitingForTokens) {
                waitingForTokens = true;
                meter.shaped();
                ScheduledFuture<?> unused = from.eventLoop().schedule(tokens, wait, TimeUnit.NANOSECONDS);
            }
        }

        private void onTokens() {
            waitingForTokens = false;
            readIfAllowed();
        }

        private void written(int n) {
            if (ended) {
                return;
            }
            held -= n;
            memory.release(n);
            if (held == 0) {
                readIfAllowed();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            to.flush();
            readIfAllowed();
        }

        /** Reads once more if the peer can take it and the budget allows (see the class comment). */
        void readIfAllowed() {
            if (spliceWanted) {
                handOverWhenQuiet();
                return;
            }
            if (inputDone || waitingForTokens || !from.isActive() || !to.isActive() || !to.isWritable()) {
                return;
            }
            if (held == 0 || memory.hasRoom()) {
                from.read();
            } else if (!awaitingRoom) {
                awaitingRoom = true;
                memory.awaitRoom(() -> from.eventLoop().execute(wake));
            }
        }

        private void onRoom() {
            awaitingRoom = false;
            readIfAllowed();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // {@code from}'s own outbound buffer drained: the other direction, which writes to it, may read.
            if (from.isWritable()) {
                (isClient ? fromDest : fromClient).readIfAllowed();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputDone();
            }
            ctx.fireUserEventTriggered(evt);
        }

        /** {@code from} sent its FIN: once everything read before it is written, pass the FIN on. */
        void inputDone() {
            if (inputDone) {
                return;
            }
            inputDone = true;
            if (handingOver) {
                return; // the splice passes it on after the carried bytes
            }
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (to.isActive() && to instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
                    shutOutput(duplex);
                    // With both of its directions finished, {@code to}'s own FIN closes it: shutting the
                    // input of a socket that is no longer connected would only raise ENOTCONN in Netty.
                    to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                }
                outputShut = true;
                Half other = isClient ? fromDest : fromClient;
                if (other.outputShut) {
                    // Both directions are finished: nothing is left to relay.
                    closeBoth();
                } else if (spliceWanted) {
                    handOverWhenQuiet();
                }
            });
        }

        /**
         * Sends {@code to}'s FIN. Nothing is queued on it: this follows the completed write of everything
         * read before the FIN. On epoll the socket is shut directly, because Netty's
         * {@code shutdownOutput()} fails the writes still queued and for that creates an exception with a
         * stack trace on every call, two per relayed session (measurable in a connection-rate profile).
         */
        private void shutOutput(DuplexChannel duplex) {
            if (duplex instanceof EpollSocketChannel epoll) {
                try {
                    ((Socket) epoll.fd()).shutdown(false, true);
                } catch (IOException e) {
                    log.debug("Relay of [{}]: shutting the output failed: [{}]", client.remoteAddress(), e.toString());
                }
            } else {
                duplex.shutdownOutput();
            }
        }

        /** The FIN was read but is not passed on yet. */
        boolean finOnItsWay() {
            return inputDone && !outputShut;
        }

        /** Where this direction is at the hand-over; the carry passes to the splice. */
        Splice.Start handOver() {
            ByteBuf c = carry == null ? Unpooled.EMPTY_BUFFER : carry;
            carry = null;
            return new Splice.Start(c, inputDone, outputShut);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // {@code from} is gone: what was read from it still reaches {@code to}, then {@code to} closes.
            inputDone = true;
            if (to.isActive()) {
                to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Relay of [{}]: [{}] side failed: [{}]", client.remoteAddress(),
                    isClient ? "client" : "destination", cause.toString());
            // A reset or an I/O error: nothing more can be delivered reliably on either side.
            closeBoth();
        }

        void releaseAll() {
            if (held != 0) {
                memory.release(held);
                held = 0;
            }
            if (carry != null) {
                carry.release();
                carry = null;
            }
        }
    }
}
