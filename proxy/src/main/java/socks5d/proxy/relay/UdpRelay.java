package socks5d.proxy.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.proxy.connect.Resolver;
import socks5d.proxy.rules.Ruleset;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;
import socks5d.proxy.wire.UdpCodec;
import socks5d.proxy.wire.UdpDatagram;
import socks5d.wire.Decoded;

/**
 * One UDP association, RFC 1928 §7 (docs/protocols/socks5.md, UDP ASSOCIATE): two datagram sockets
 * and the rules between them.
 * <ul>
 * <li>The <em>relay</em> socket, bound to the address the client reached the SOCKS listener on (port
 *     0), is the one the reply announces. It takes datagrams from the client only: from DST.ADDR of
 *     the request, or the control connection's address when DST.ADDR is unspecified or a name, and
 *     from DST.PORT unless it is 0. Each is decoded ({@link UdpCodec}); fragments (FRAG not X'00')
 *     are dropped (RFC 1928 §7 allows a server without reassembly to drop them), as are malformed and
 *     oversized ones; a name is resolved; the ruleset decides every destination (own listeners
 *     included); DATA goes out of the outside socket untouched.</li>
 * <li>The <em>outside</em> socket, bound to the wildcard address (IPv6 and IPv4 where the host has
 *     both), sends to destinations and takes their answers, only from destinations the client sent to.
 *     Each answer goes to the client's last seen address with the §7 header in front of it (a
 *     composite buffer: DATA is not copied).</li>
 * </ul>
 * Two sockets instead of one: the relay socket's address is the client-facing one, which may be IPv4
 * while a destination is IPv6, and nothing that is not the client can use the announced port.
 *
 * <p>The association lives exactly as long as its control connection: closing either closes the other
 * (RFC 1928 §7), and so does the idle timeout. Nothing is queued: a datagram that finds its socket
 * unwritable is dropped, as UDP allows. Every received buffer is released on every path. Confined to
 * the control connection's event loop, on which both sockets are registered.
 */
public final class UdpRelay {
    private static final Logger log = LoggerFactory.getLogger(UdpRelay.class);
    /** Idle checks per idle timeout. */
    private static final int IDLE_CHECKS = 4;
    /** Destinations remembered per association, to accept their answers; the oldest is forgotten first. */
    private static final int MAX_DESTINATIONS = 1024;
    /** The largest UDP payload: 65535 less the 8-octet UDP header. */
    private static final int UDP_PAYLOAD_MAX = 65_527;

    /** {@code socks5d.proxy.udp} in reference.conf. */
    public record Settings(int maxAssociations, int maxDatagram, Duration idleTimeout) {
        public Settings {
            if (maxAssociations < 0) {
                throw new IllegalArgumentException("socks5d.proxy.udp.max-associations must be 0 or more");
            }
            if (maxDatagram < UdpCodec.MIN_HEADER || maxDatagram > UDP_PAYLOAD_MAX) {
                throw new IllegalArgumentException("socks5d.proxy.udp.max-datagram must be "
                        + UdpCodec.MIN_HEADER + " to " + UDP_PAYLOAD_MAX + " bytes, was " + maxDatagram);
            }
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("socks5d.proxy.udp.idle-timeout must be 0 (off) or more");
            }
        }
    }

    /** How opening went; called once, on the event loop. */
    public interface Opened {
        /** Both sockets are bound; {@code relay} is the one to announce. */
        void opened(InetSocketAddress relay);

        /** A socket could not be bound; whatever was opened is closed. */
        void failed();
    }

    private final Channel control;
    private final EventLoop loop;
    private final Resolver resolver;
    private final Ruleset rules;
    private final Settings settings;
    private final InetAddress clientAddress;
    private final int clientPort;
    private final Map<InetSocketAddress, Boolean> destinations = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
            return size() > MAX_DESTINATIONS;
        }
    };
    private Channel relay;
    private Channel outside;
    private InetSocketAddress clientEndpoint;
    private ScheduledFuture<?> idleCheck;
    private boolean closed;

    private long datagramsIn;
    private long bytesIn;
    private long datagramsOut;
    private long bytesOut;
    private long droppedForeign;
    private long droppedMalformed;
    private long droppedFragments;
    private long droppedOversized;
    private long droppedRefused;
    private long droppedBusy;
    private long moved;
    private long movedAtCheck;
    private int quietChecks;

    private UdpRelay(Channel control, Resolver resolver, Ruleset rules, Settings settings, Request request) {
        this.control = control;
        this.loop = control.eventLoop();
        this.resolver = resolver;
        this.rules = rules;
        this.settings = settings;
        InetAddress declared = null;
        if (request.address() instanceof SocksAddress.Ipv4 v4) {
            declared = v4.address();
        } else if (request.address() instanceof SocksAddress.Ipv6 v6) {
            declared = v6.address();
        }
        if (declared == null || declared.isAnyLocalAddress()) {
            declared = ((InetSocketAddress) control.remoteAddress()).getAddress();
        }
        this.clientAddress = Ruleset.canonical(declared);
        this.clientPort = request.port();
    }

    /**
     * Opens the association of {@code control} for {@code request}: binds the relay socket on the
     * control connection's local address and the outside socket on the wildcard address, both from
     * {@code template} on the control connection's event loop, then reports to {@code opened}.
     */
    public static UdpRelay open(Channel control, Bootstrap template, Request request, Resolver resolver,
                                Ruleset rules, Settings settings, Opened opened) {
        UdpRelay r = new UdpRelay(control, resolver, rules, settings, request);
        r.bind(template, opened);
        return r;
    }

    private void bind(Bootstrap template, Opened opened) {
        control.closeFuture().addListener(f -> close());
        InetAddress local = ((InetSocketAddress) control.localAddress()).getAddress();
        ChannelFuture r = template.clone(loop).handler(new FromClient()).bind(local, 0);
        relay = r.channel();
        r.addListener((ChannelFuture f) -> {
            if (closed) {
                f.channel().close(); // the control connection closed while this socket was binding
                return;
            }
            if (!f.isSuccess()) {
                log.debug("UDP relay socket on [{}] failed: [{}]", local, f.cause().toString());
                fail(opened);
                return;
            }
            bindOutside(template, opened, List.of("::", "0.0.0.0"), 0);
        });
    }

    /** The wildcard addresses in turn: IPv6 (dual stack where the host allows it), then IPv4 only. */
    private void bindOutside(Bootstrap template, Opened opened, List<String> wildcards, int at) {
        InetSocketAddress any = new InetSocketAddress(literal(wildcards.get(at)), 0);
        ChannelFuture o = template.clone(loop).handler(new FromOutside()).bind(any);
        outside = o.channel();
        o.addListener((ChannelFuture f) -> {
            if (closed) {
                f.channel().close();
                return;
            }
            if (!f.isSuccess()) {
                if (at + 1 < wildcards.size()) {
                    bindOutside(template, opened, wildcards, at + 1);
                    return;
                }
                log.debug("UDP outside socket failed: [{}]", f.cause().toString());
                fail(opened);
                return;
            }
            ChannelFutureListener onClose = c -> close();
            relay.closeFuture().addListener(onClose);
            outside.closeFuture().addListener(onClose);
            long idle = settings.idleTimeout().toNanos();
            if (idle > 0) {
                long every = idle / IDLE_CHECKS;
                idleCheck = loop.scheduleAtFixedRate(this::checkIdle, every, every, TimeUnit.NANOSECONDS);
            }
            opened.opened((InetSocketAddress) relay.localAddress());
        });
    }

    private void fail(Opened opened) {
        closeSockets();
        opened.failed();
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends the association: both sockets and the control connection close. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeSockets();
        control.close();
        if (log.isDebugEnabled()) {
            log.debug("UDP association of [{}] ended: in [{}] datagrams, out [{}]; dropped: foreign [{}], "
                            + "malformed [{}], fragments [{}], oversized [{}], refused [{}], busy [{}]",
                    control.remoteAddress(), datagramsIn, datagramsOut, droppedForeign, droppedMalformed,
                    droppedFragments, droppedOversized, droppedRefused, droppedBusy);
        }
    }

    private void closeSockets() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (relay != null) {
            relay.close();
        }
        if (outside != null) {
            outside.close();
        }
    }

    /** Datagrams from the client forwarded, and their DATA bytes. */
    public long datagramsIn() {
        return datagramsIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    /** Answers passed to the client, and their DATA bytes (header excluded). */
    public long datagramsOut() {
        return datagramsOut;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** Datagrams dropped for any reason. */
    public long dropped() {
        return droppedForeign + droppedMalformed + droppedFragments + droppedOversized + droppedRefused + droppedBusy;
    }

    /** Closes the association when no datagram moved for {@link #IDLE_CHECKS} checks in a row. */
    private void checkIdle() {
        if (moved != movedAtCheck) {
            movedAtCheck = moved;
            quietChecks = 0;
        } else if (++quietChecks >= IDLE_CHECKS) {
            log.debug("UDP association of [{}] idle, closing", control.remoteAddress());
            close();
        }
    }

    private boolean fromTheClient(InetSocketAddress sender) {
        return Ruleset.canonical(sender.getAddress()).equals(clientAddress)
                && (clientPort == 0 || sender.getPort() == clientPort);
    }

    private void fromClient(ByteBuf buf, InetSocketAddress sender) {
        if (!fromTheClient(sender)) {
            droppedForeign++;
            log.debug("UDP relay of [{}]: dropping a datagram from [{}]", control.remoteAddress(), sender);
            return;
        }
        clientEndpoint = sender;
        int n = buf.readableBytes();
        if (n > settings.maxDatagram()) {
            droppedOversized++;
            return;
        }
        // The pure decoder sees a copy of the header only; DATA stays in the buffer.
        byte[] head = new byte[Math.min(n, UdpCodec.MAX_HEADER)];
        buf.getBytes(buf.readerIndex(), head);
        Decoded<UdpDatagram> d = UdpCodec.decode(ByteString.fromArrayUnsafe(head));
        if (!(d instanceof Decoded.Ok<UdpDatagram> ok)) {
            droppedMalformed++;
            return;
        }
        UdpDatagram datagram = ok.value();
        if (datagram.isFragment()) {
            droppedFragments++;
            return;
        }
        moved++;
        int header = UdpCodec.headerLength(datagram.address());
        ByteBuf data = buf.retainedSlice(buf.readerIndex() + header, n - header);
        SocksAddress to = datagram.address();
        if (to instanceof SocksAddress.Ipv4 v4) {
            forward(to.host(), v4.address(), datagram.port(), data);
        } else if (to instanceof SocksAddress.Ipv6 v6) {
            forward(to.host(), v6.address(), datagram.port(), data);
        } else {
            resolver.resolve(loop, to.host()).addListener((Future<List<InetAddress>> f) -> {
                if (f.isSuccess()) {
                    forward(to.host(), f.getNow().get(0), datagram.port(), data);
                } else {
                    droppedRefused++;
                    data.release();
                }
            });
        }
    }

    /** Sends {@code data} (owned here from now on) to a resolved destination, if the rules allow it. */
    private void forward(String host, InetAddress address, int port, ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        if (!rules.allows(host, address, port)) {
            droppedRefused++;
            log.debug("UDP relay of [{}]: [{}] ([{}]) port [{}] not allowed by ruleset",
                    control.remoteAddress(), host, address.getHostAddress(), port);
            data.release();
            return;
        }
        if (!outside.isWritable()) {
            droppedBusy++;
            data.release();
            return;
        }
        InetSocketAddress to = new InetSocketAddress(Ruleset.canonical(address), port);
        destinations.put(to, Boolean.TRUE);
        datagramsIn++;
        bytesIn += data.readableBytes();
        outside.writeAndFlush(new DatagramPacket(data, to), outside.voidPromise());
    }

    private void fromOutside(ByteBuf buf, InetSocketAddress sender) {
        InetSocketAddress from = new InetSocketAddress(Ruleset.canonical(sender.getAddress()), sender.getPort());
        if (clientEndpoint == null || !destinations.containsKey(from)) {
            droppedForeign++;
            log.debug("UDP relay of [{}]: dropping an answer from [{}], not a destination",
                    control.remoteAddress(), sender);
            return;
        }
        int n = buf.readableBytes();
        if (n > settings.maxDatagram()) {
            droppedOversized++;
            return;
        }
        if (!relay.isWritable()) {
            droppedBusy++;
            return;
        }
        moved++;
        datagramsOut++;
        bytesOut += n;
        ByteString header = UdpCodec.encodeHeader(SocksAddress.of(from.getAddress()), from.getPort());
        ByteBuf out = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(header.toArrayUnsafe()), buf.retain());
        relay.writeAndFlush(new DatagramPacket(out, clientEndpoint), relay.voidPromise());
    }

    /** Reads the relay socket: the client's datagrams. */
    private final class FromClient extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket p && !closed) {
                    fromClient(p.content(), p.sender());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed send (an ICMP error, a datagram too large) concerns one datagram, not the association.
            log.debug("UDP relay socket of [{}]: [{}]", control.remoteAddress(), cause.toString());
        }
    }

    /** Reads the outside socket: the destinations' answers. */
    private final class FromOutside extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket p && !closed) {
                    fromOutside(p.content(), p.sender());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("UDP outside socket of [{}]: [{}]", control.remoteAddress(), cause.toString());
        }
    }
}
