package socks5d.proxy.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Observations;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.limits.UserSessions;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;
import socks5d.proxy.ProxySettings;
import socks5d.proxy.connect.Binder;
import socks5d.proxy.connect.Dialer;
import socks5d.proxy.dissect.Credential;
import socks5d.proxy.dissect.CredentialLog;
import socks5d.proxy.dissect.Dissectors;
import socks5d.proxy.handshake.Handshake;
import socks5d.proxy.relay.Relay;
import socks5d.proxy.relay.UdpRelay;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;

/**
 * One client connection from its first byte to its close (docs/protocols/socks5.md): feeds the
 * client's bytes to the pure {@link Handshake}, writes what it answers, and carries out its actions:
 * a password check ({@link Logins}), a dial ({@link Dialer}) or a BIND listener ({@link Binder}), then
 * hands both channels to the {@link Relay} and leaves the pipeline; or, for UDP ASSOCIATE, opens a
 * {@link UdpRelay} and stays to watch the control connection, whose close ends the association. It
 * also keeps the session's accounting: one connection opened, its bytes, its outcome and its
 * access-log entry (a {@code U} entry for an association), all added to its event loop's
 * {@link Accounting}. Confined to the client channel's event loop, like an actor: no field needs
 * synchronisation, nothing blocks, nothing asks an actor.
 */
final class SocksHandler extends ChannelInboundHandlerAdapter implements Relay.Meter {
    private static final Logger log = LoggerFactory.getLogger(SocksHandler.class);
    /** Client bytes kept while a BIND waits for its peer; beyond, they wait in the socket. */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    private final DataPlane plane;
    private final DataPlane.Loop loop;
    private final Switches.State switches;
    private final Handshake handshake;
    private Channel client;
    private InetSocketAddress clientAddress;
    private ScheduledFuture<?> handshakeTimer;
    private Dialer dialer;
    private Binder binder;
    private UdpRelay udpRelay;
    private boolean associationTaken;
    /** The destination, once connected (closed with the session). */
    private Channel dest;
    private boolean clientFinished;
    private boolean relaying;
    private boolean ended;
    /** The session got reply 0x00 and was counted as successful then (docs/operations.md, Metrics). */
    private boolean countedSuccess;
    private boolean outboundReserved;
    private boolean relaySessionTaken;
    private long clientIn;
    private long proxied;
    /** System.nanoTime() at accept, for the handshake histogram; 0 once observed. */
    private long acceptedNanos;
    /** System.nanoTime() when the dial started, for the connect histogram. */
    private long dialNanos;
    /** The client's address when the per-address limits counted it (given back at the end), else null. */
    private final InetAddress countedAddress;
    /** The user whose session limits counted this session (given back at the end), else null. */
    private String countedUser;
    /** The user's bandwidth buckets when it is shaped, else null. */
    private UserSessions.Grant shaping;
    private boolean shaped;

    SocksHandler(DataPlane plane, DataPlane.Loop loop, InetAddress countedAddress) {
        this.plane = plane;
        this.loop = loop;
        this.countedAddress = countedAddress;
        this.switches = plane.switches.get();
        this.handshake = new Handshake(switches.authRequired());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        clientAddress = (InetSocketAddress) client.remoteAddress();
        loop.accounting().opened++;
        acceptedNanos = System.nanoTime();
        client.closeFuture().addListener(f -> clientClosed());
        handshakeTimer = client.eventLoop().schedule(this::handshakeTimedOut,
                plane.settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        client.read();
        ctx.fireChannelActive();
    }

    private void handshakeTimedOut() {
        log.debug("Client [{}] timed out in phase [{}]", clientAddress, handshake.phase());
        client.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = buf.readableBytes();
        if (relaying || handshake.phase() == Handshake.Phase.CLOSED || n == 0) {
            // Nothing more is read once a verdict is out (the channel closes after its reply).
            buf.release();
            return;
        }
        clientIn += n;
        Accounting a = loop.accounting();
        a.transferred += n;
        a.clientBytes += n;
        byte[] bytes = new byte[n];
        buf.readBytes(bytes);
        buf.release();
        apply(handshake.onInput(ByteString.fromArrayUnsafe(bytes)));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !relaying) {
            clientFinished = true;
            Handshake.Phase phase = handshake.phase();
            if (phase != Handshake.Phase.AUTHENTICATING && phase != Handshake.Phase.CONNECTING) {
                // Waiting for client bytes that can no longer come. A BIND ends too: with no read
                // pending its client's later close would go unseen until the bind timeout.
                log.debug("Client [{}] closed in phase [{}]", clientAddress, phase);
                client.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Client [{}] failed: [{}]", clientAddress, cause.toString());
        client.close();
    }

    private void apply(Handshake.Step step) {
        Handshake.Action action = step.action();
        if (acceptedNanos != 0 && handshake.replyCode() != null) {
            loop.accounting().handshake.observe(System.nanoTime() - acceptedNanos);
            acceptedNanos = 0;
        }
        if (!countedSuccess && handshake.replyCode() == ReplyCode.SUCCEEDED) {
            // successful when the 0x00 reply goes out, not when the session ends (a BIND's first reply)
            countedSuccess = true;
            loop.accounting().succeeded++;
        }
        if (action instanceof Handshake.Close close) {
            log.debug("Closing client [{}]: {}", clientAddress, close.why());
            if (step.output().isEmpty()) {
                client.close();
            } else {
                reply(step.output()).addListener(ChannelFutureListener.CLOSE);
            }
        } else if (action instanceof Handshake.Relay relay) {
            reply(step.output());
            startRelay(relay.pipelined());
        } else {
            if (!step.output().isEmpty()) {
                reply(step.output());
            }
            if (action instanceof Handshake.Authenticate auth) {
                login(auth);
            } else if (action instanceof Handshake.Connect || action instanceof Handshake.Bind
                    || action instanceof Handshake.Associate) {
                handshakeTimer.cancel(false);
                if (!admitUser()) {
                    apply(handshake.onConnectFailed(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET));
                } else if (action instanceof Handshake.Connect connect) {
                    connect(connect.request());
                } else if (action instanceof Handshake.Bind bind) {
                    bind(bind.request());
                } else {
                    associate(((Handshake.Associate) action).request());
                }
            } else if (!clientFinished && handshake.buffered() < MAX_EARLY_BYTES) {
                // AwaitInput, or HoldControl (read only to see the close). While a BIND waits for its
                // peer, at most MAX_EARLY_BYTES of client bytes are read ahead of the relay.
                client.read();
            }
        }
    }

    private ChannelFuture reply(ByteString bytes) {
        int n = bytes.size();
        Accounting a = loop.accounting();
        a.transferred += n;
        a.clientBytes += n;
        return client.writeAndFlush(Unpooled.wrappedBuffer(bytes.toArrayUnsafe()));
    }

    /**
     * RFC 1929 check under the login throttle (docs/operations.md, Limits): a blocked address is
     * refused at once without a password check; a wrong password is answered as late as the
     * throttle says (a timer of this loop; the handshake timeout still runs).
     */
    private void login(Handshake.Authenticate auth) {
        String name = auth.credentials().username();
        InetAddress from = clientAddress.getAddress();
        LoginThrottle throttle = plane.loginThrottle;
        if (throttle.admit(from) == LoginThrottle.Admission.REFUSE) {
            loop.accounting().loginsThrottled++;
            log.debug("Client [{}]: login refused, the address is blocked", clientAddress);
            authenticated(name, false);
            return;
        }
        loop.logins().check(name, auth.credentials().password(), result -> {
            if (result == Logins.Result.OK) {
                throttle.succeeded(from);
                authenticated(name, true);
                return;
            }
            long delay = result == Logins.Result.WRONG ? throttle.failed(from) : 0;
            if (delay == 0) {
                authenticated(name, false);
            } else {
                loop.accounting().loginsThrottled++;
                ScheduledFuture<?> unused = client.eventLoop().schedule(() -> authenticated(name, false), delay,
                        TimeUnit.NANOSECONDS);
            }
        });
    }

    /**
     * The user's session limit and bandwidth (its own, else the defaults of
     * {@code socks5d.proxy.limits.per-user}), taken when its request comes: false when the user
     * already has its most sessions open. Unauthenticated sessions and users without limits are
     * not counted at all.
     */
    private boolean admitUser() {
        if (!handshake.authenticated()) {
            return true;
        }
        String user = handshake.user();
        UserDirectory.Limits own = plane.users.current().limits(user);
        ProxySettings.Limits defaults = plane.settings.limits();
        int sessions = own.maxSessions() >= 0 ? own.maxSessions() : defaults.userSessions();
        long bandwidth = own.bandwidth() >= 0 ? own.bandwidth() : defaults.userBandwidth();
        if (sessions == 0 && bandwidth == 0) {
            return true;
        }
        UserSessions.Grant grant = plane.userSessions.tryOpen(user, sessions, bandwidth);
        if (grant == null) {
            loop.accounting().refusedUserSessions++;
            log.debug("Client [{}]: user [{}] has its [{}] sessions open", clientAddress, user, sessions);
            return false;
        }
        countedUser = user;
        shaping = grant.shaped() ? grant : null;
        return true;
    }

    private void authenticated(String name, boolean ok) {
        Accounting a = loop.accounting();
        a.authAttempts++;
        if (!ok) {
            a.authFailures++;
        }
        if (ended || handshake.phase() != Handshake.Phase.AUTHENTICATING) {
            return;
        }
        apply(ok ? handshake.onAuthenticated(name) : handshake.onAuthenticationFailed());
    }

    private void connect(Request request) {
        dialNanos = System.nanoTime();
        dialer = new Dialer(client.eventLoop(), plane.resolver, plane.rules, loop.outbound(), request,
                this::admitOutbound, new Dialer.Outcome() {
                    @Override
                    public void connected(Channel destination) {
                        loop.accounting().connect.observe(System.nanoTime() - dialNanos);
                        onConnected(destination);
                    }

                    @Override
                    public void failed(ReplyCode reply) {
                        dialer = null;
                        loop.accounting().connect.observe(System.nanoTime() - dialNanos);
                        if (!ended) {
                            apply(handshake.onConnectFailed(reply));
                        }
                    }
                });
        dialer.start();
    }

    /** Takes the destination's descriptor and a relayed session's place, or says why not (0x01). */
    private ReplyCode admitOutbound() {
        if (!plane.admission.tryReserveOutbound()) {
            log.debug("Client [{}]: no descriptor left for an outbound connection", clientAddress);
            return ReplyCode.GENERAL_FAILURE;
        }
        outboundReserved = true;
        if (!plane.relayMemory.tryStartSession()) {
            log.debug("Client [{}]: memory has no room for another relayed session", clientAddress);
            return ReplyCode.GENERAL_FAILURE;
        }
        relaySessionTaken = true;
        return null;
    }

    private void onConnected(Channel destination) {
        dialer = null;
        dest = destination;
        if (ended || !client.isActive()) {
            destination.close();
            return;
        }
        setWatermarks(destination);
        apply(handshake.onConnected((InetSocketAddress) destination.localAddress()));
    }

    /** Both channels of the coming relay: a side is read only while the other has less than the relay buffer pending. */
    private void setWatermarks(Channel other) {
        WriteBufferWaterMark marks = DataPlane.watermarks(switches.relayBufferSize());
        other.config().setWriteBufferWaterMark(marks);
        client.config().setWriteBufferWaterMark(marks);
    }

    /** RFC 1928 §6: listen where this client reached us, for the host DST names (docs/protocols/socks5.md). */
    private void bind(Request request) {
        InetAddress listenOn = ((InetSocketAddress) client.localAddress()).getAddress();
        binder = new Binder(client.eventLoop(), plane.resolver, plane.rules, plane.inbound, listenOn, request,
                this::admitOutbound, plane.settings.bindTimeout(), new Binder.Outcome() {
                    @Override
                    public void listening(InetSocketAddress bound) {
                        if (!ended) {
                            apply(handshake.onListening(bound));
                        }
                    }

                    @Override
                    public void peerConnected(Channel peer) {
                        binder = null;
                        dest = peer;
                        if (ended || !client.isActive()) {
                            peer.close();
                            return;
                        }
                        setWatermarks(peer);
                        apply(handshake.onPeerConnected((InetSocketAddress) peer.remoteAddress()));
                    }

                    @Override
                    public void failed(ReplyCode reply) {
                        binder = null;
                        if (!ended) {
                            apply(handshake.onConnectFailed(reply));
                        }
                    }
                });
        binder.start();
    }

    /** RFC 1928 §7: an association within max-associations and the descriptor budget, else 0x01. */
    private void associate(Request request) {
        UdpRelay.Settings udp = plane.settings.udp();
        associationTaken = true;
        if (plane.udpAssociations.incrementAndGet() > udp.maxAssociations()) {
            log.debug("Client [{}]: max-associations [{}] reached", clientAddress, udp.maxAssociations());
            apply(handshake.onConnectFailed(ReplyCode.GENERAL_FAILURE));
            return;
        }
        if (!plane.admission.tryReserveOutbound()) {
            log.debug("Client [{}]: no descriptor left for a UDP association", clientAddress);
            apply(handshake.onConnectFailed(ReplyCode.GENERAL_FAILURE));
            return;
        }
        outboundReserved = true;
        udpRelay = UdpRelay.open(client, plane.datagrams, request, plane.resolver, plane.rules, udp,
                new UdpRelay.Opened() {
                    @Override
                    public void opened(InetSocketAddress relay) {
                        if (!ended) {
                            apply(handshake.onAssociated(relay));
                        }
                    }

                    @Override
                    public void failed() {
                        if (!ended) {
                            apply(handshake.onConnectFailed(ReplyCode.GENERAL_FAILURE));
                        }
                    }
                });
    }

    private void startRelay(ByteString pipelined) {
        relaying = true;
        boolean dissect = switches.dissectorsOn() && plane.settings.dissectorInspectBytes() > 0;
        Relay.start(client, this, dest, pipelined, clientFinished, this, plane.relayMemory,
                plane.settings.idleTimeout(),
                dissect ? Dissectors.forSession(plane.settings.dissectorInspectBytes()) : null,
                plane.settings.dissectorInspectBytes(), shaping, loop.splicing());
    }

    // ---- Relay.Meter

    @Override
    public void relayed(boolean fromClient, int bytes) {
        proxied += bytes;
        Accounting a = loop.accounting();
        a.proxied += bytes;
        a.transferred += 2L * bytes; // read on one socket, written on the other
        a.clientBytes += bytes;
        a.relayReads++;
        a.relayReadBytes += bytes;
        a.relayWrites++;
        a.relayWriteBytes += bytes;
        if (fromClient) {
            clientIn += bytes;
            a.bytesFromClient += bytes;
        } else {
            a.bytesToClient += bytes;
        }
    }

    @Override
    public void credential(Credential credential) {
        loop.accounting().credentials++;
        Request request = handshake.request();
        CredentialLog.report(handshake.user(), request.address().host(), request.port(), credential);
    }

    @Override
    public void shaped() {
        if (!shaped) {
            shaped = true;
            loop.accounting().sessionsShaped++;
        }
    }

    @Override
    public void ended() {
        end();
    }

    // ---- the end of the session

    private void clientClosed() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (relaying) {
            return; // the relay ends the session once both channels are closed
        }
        if (dialer != null) {
            dialer.cancel();
            dialer = null;
        }
        if (binder != null) {
            binder.cancel();
            binder = null;
        }
        if (udpRelay != null) {
            udpRelay.close();
        }
        if (dest != null) {
            dest.close();
        }
        end();
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (relaySessionTaken) {
            plane.relayMemory.endSession();
        }
        if (outboundReserved) {
            plane.admission.releaseOutbound();
        }
        if (associationTaken) {
            plane.udpAssociations.decrementAndGet();
        }
        if (countedAddress != null) {
            plane.addressLimits.close(countedAddress);
        }
        if (countedUser != null) {
            plane.userSessions.close(countedUser);
        }
        plane.admission.close();
        Accounting a = loop.accounting();
        a.closed++;
        a.closedProxied += proxied;
        boolean succeeded = handshake.replyCode() == ReplyCode.SUCCEEDED;
        int sent = handshake.replyCode() == null ? -1 : handshake.replyCode().code();
        a.replies[sent >= 0 && sent < Observations.NO_REPLY ? sent : Observations.NO_REPLY]++;
        if (!countedSuccess) {
            a.failed++;
        }
        AccessLog.Udp udp = null;
        long bytes = proxied;
        if (udpRelay != null && succeeded) {
            UdpRelay u = udpRelay;
            a.udpAssociations++;
            a.udpDatagrams += u.datagramsIn() + u.datagramsOut();
            a.udpBytes += u.bytesIn() + u.bytesOut();
            a.udpDropped += u.dropped();
            udp = new AccessLog.Udp(u.datagramsIn(), u.bytesIn(), u.datagramsOut(), u.bytesOut());
            bytes = u.bytesIn() + u.bytesOut();
        }
        if (udp != null || clientIn > 0) {
            Request request = handshake.request(); // DST.ADDR and DST.PORT as the client sent them
            ReplyCode code = handshake.replyCode() == null ? ReplyCode.GENERAL_FAILURE : handshake.replyCode();
            a.log(new AccessLog.Entry(Instant.now(), handshake.user(), NetUtil.toAddressString(clientAddress.getAddress(), true),
                    clientAddress.getPort(), request == null ? null : request.address().host(),
                    request == null ? 0 : request.port(), code.code(), bytes, handshake.authenticated(), udp));
        }
    }

}
