package socks5d.proxy.handshake;

import java.net.InetSocketAddress;

import org.apache.pekko.util.ByteString;

import socks5d.proxy.wire.AuthMethod;
import socks5d.proxy.wire.CommandCode;
import socks5d.wire.Decoded;
import socks5d.proxy.wire.Greeting;
import socks5d.proxy.wire.MethodSelection;
import socks5d.proxy.wire.Reply;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.Socks5Codec;
import socks5d.proxy.wire.SocksAddress;
import socks5d.proxy.wire.UserPassReply;
import socks5d.proxy.wire.UserPassRequest;

/**
 * The server side of one SOCKS5 negotiation (RFC 1928 §3-§7, RFC 1929 §2) as a state machine:
 * it takes the bytes the client sent and the results of asynchronous work (authentication,
 * connecting, listening for a BIND peer, opening a UDP relay), and answers with the bytes to send
 * and the next {@link Action}. It does no I/O
 * and knows no actors or streams, so it is tested with plain byte sequences; pipelined input
 * (greeting, authentication and request in one write) and input split at any byte both work
 * because undecoded bytes stay in its buffer. Confined to the stage that drives it.
 */
public final class Handshake {
    /** Where the negotiation stands. */
    public enum Phase {
        GREETING, AUTH, AUTHENTICATING, REQUEST, CONNECTING,
        /** BIND: opening the listening socket, then (after the first reply) waiting for the peer. */
        BINDING,
        /** UDP ASSOCIATE: opening the relay socket. */
        ASSOCIATING,
        /** UDP ASSOCIATE answered: the control connection is only watched for its close. */
        ASSOCIATED,
        ESTABLISHED, CLOSED
    }

    /** What the driver must do after sending {@link Step#output()}. */
    public sealed interface Action {
    }

    /** Wait for more client bytes. */
    public enum AwaitInput implements Action { INSTANCE }

    /** Check these credentials, then call {@link #onAuthenticated} or {@link #onAuthenticationFailed}. */
    public record Authenticate(UserPassRequest credentials) implements Action {
    }

    /** Resolve, check rules and dial, then call {@link #onConnected} or {@link #onConnectFailed}. */
    public record Connect(Request request) implements Action {
    }

    /**
     * RFC 1928 §6 BIND: check the rules for DST, listen, then call {@link #onListening}; when the
     * expected host connects, {@link #onPeerConnected}; on any failure {@link #onConnectFailed}.
     */
    public record Bind(Request request) implements Action {
    }

    /**
     * RFC 1928 §7 UDP ASSOCIATE: open the UDP relay socket, then call {@link #onAssociated}, or
     * {@link #onConnectFailed} when it cannot be opened or no association is left.
     */
    public record Associate(Request request) implements Action {
    }

    /**
     * The association is up (its reply 0x00 is in {@code output}): keep reading the control connection
     * only to see it close, which ends the association (RFC 1928 §7). Whatever the client sends on it
     * is discarded; each further {@link #onInput} answers this action again.
     */
    public enum HoldControl implements Action { INSTANCE }

    /** The reply 0x00 is in {@code output}; relay from now on, first sending {@code pipelined} to the destination. */
    public record Relay(ByteString pipelined) implements Action {
    }

    /** Close the client connection after sending {@code output}; {@code why} is for a DEBUG line. */
    public record Close(String why) implements Action {
    }

    /** Bytes to send to the client (possibly empty) and what to do next. */
    public record Step(ByteString output, Action action) {
    }

    private final boolean authRequired;
    private Phase phase = Phase.GREETING;
    private ByteString buffer = ByteString.emptyByteString();
    private String user;
    private boolean authenticated;
    private Request request;
    private ReplyCode replyCode;
    /** BIND: the first reply is sent (the listening socket is open). */
    private boolean listening;

    /**
     * @param authRequired while on, only method 0x02 is accepted; while off, 0x00 is chosen
     *                     when offered, and 0x02 otherwise (docs/protocols/socks5.md, Greeting and
     *                     method selection)
     */
    public Handshake(boolean authRequired) {
        this.authRequired = authRequired;
    }

    public Phase phase() {
        return phase;
    }

    /** The authenticated user, or {@code null}. */
    public String user() {
        return user;
    }

    public boolean authenticated() {
        return authenticated;
    }

    /** The request received, or {@code null} before one. */
    public Request request() {
        return request;
    }

    /** The reply code sent, or {@code null} if no reply was sent. */
    public ReplyCode replyCode() {
        return replyCode;
    }

    /** Bytes received but not yet consumed: pipelined input a BIND will relay to its peer. */
    public int buffered() {
        return buffer.size();
    }

    /**
     * Feeds client bytes received while negotiating. While BINDING, they are kept and relayed to the
     * peer after the second reply; once ASSOCIATED they are discarded (docs/protocols/socks5.md, UDP
     * ASSOCIATE): RFC 1928 §7 gives the control connection no further messages.
     */
    public Step onInput(ByteString bytes) {
        if (phase == Phase.CLOSED || phase == Phase.ESTABLISHED) {
            throw new IllegalStateException("input in phase " + phase);
        }
        if (phase == Phase.ASSOCIATED) {
            return new Step(ByteString.emptyByteString(), HoldControl.INSTANCE);
        }
        buffer = buffer.concat(bytes);
        return advance(ByteString.emptyByteString());
    }

    public Step onAuthenticated(String username) {
        expect(Phase.AUTHENTICATING);
        user = username;
        authenticated = true;
        phase = Phase.REQUEST;
        return advance(Socks5Codec.encode(UserPassReply.SUCCESS));
    }

    /** RFC 1929 §2: a failure status, and the server MUST close the connection. */
    public Step onAuthenticationFailed() {
        expect(Phase.AUTHENTICATING);
        return close(Socks5Codec.encode(UserPassReply.FAILURE), "authentication failed");
    }

    /** The outbound connection is up; {@code bound} is its local address (RFC 1928 §6 BND.ADDR/BND.PORT). */
    public Step onConnected(InetSocketAddress bound) {
        expect(Phase.CONNECTING);
        phase = Phase.ESTABLISHED;
        replyCode = ReplyCode.SUCCEEDED;
        ByteString reply = Socks5Codec.encode(
                new Reply(ReplyCode.SUCCEEDED, SocksAddress.of(bound.getAddress()), bound.getPort()));
        ByteString pipelined = buffer;
        buffer = ByteString.emptyByteString();
        return new Step(reply, new Relay(pipelined));
    }

    /**
     * A CONNECT, a BIND (before or after its first reply) or a UDP ASSOCIATE failed: the failure reply
     * {@code code}, then close.
     */
    public Step onConnectFailed(ReplyCode code) {
        if (phase != Phase.CONNECTING && phase != Phase.BINDING && phase != Phase.ASSOCIATING) {
            throw new IllegalStateException("expected phase CONNECTING, BINDING or ASSOCIATING but was " + phase);
        }
        if (code == ReplyCode.SUCCEEDED) {
            throw new IllegalArgumentException("a failure needs a failure code");
        }
        return fail(code, phase.name().toLowerCase(java.util.Locale.ROOT) + " failed: " + code);
    }

    /**
     * RFC 1928 §6 BIND, first reply: the server listens on {@code bound} (BND.ADDR/BND.PORT). The phase
     * stays BINDING; the client's bytes read from now on are kept for the peer.
     */
    public Step onListening(InetSocketAddress bound) {
        expect(Phase.BINDING);
        if (listening) {
            throw new IllegalStateException("the first BIND reply was already sent");
        }
        listening = true;
        replyCode = ReplyCode.SUCCEEDED;
        return new Step(success(bound), AwaitInput.INSTANCE);
    }

    /**
     * RFC 1928 §6 BIND, second reply: the expected host connected from {@code peer}; relay from now on,
     * first sending the bytes the client pipelined to the peer.
     */
    public Step onPeerConnected(InetSocketAddress peer) {
        expect(Phase.BINDING);
        if (!listening) {
            throw new IllegalStateException("the peer connected before the first BIND reply");
        }
        phase = Phase.ESTABLISHED;
        ByteString pipelined = buffer;
        buffer = ByteString.emptyByteString();
        return new Step(success(peer), new Relay(pipelined));
    }

    /**
     * RFC 1928 §7: the UDP relay listens on {@code relay} (BND.ADDR/BND.PORT). Bytes the client sent
     * after its request are discarded, as is anything it sends later.
     */
    public Step onAssociated(InetSocketAddress relay) {
        expect(Phase.ASSOCIATING);
        phase = Phase.ASSOCIATED;
        replyCode = ReplyCode.SUCCEEDED;
        buffer = ByteString.emptyByteString();
        return new Step(success(relay), HoldControl.INSTANCE);
    }

    private static ByteString success(InetSocketAddress bound) {
        return Socks5Codec.encode(new Reply(ReplyCode.SUCCEEDED, SocksAddress.of(bound.getAddress()), bound.getPort()));
    }

    /** Decodes as many buffered messages as the phase allows; {@code out} is what to send before them. */
    private Step advance(ByteString out) {
        while (true) {
            switch (phase) {
                case GREETING -> {
                    Decoded<Greeting> d = Socks5Codec.decodeGreeting(buffer);
                    if (d instanceof Decoded.Ok<Greeting> ok) {
                        buffer = ok.rest();
                        AuthMethod chosen = choose(ok.value());
                        ByteString selection = Socks5Codec.encode(new MethodSelection(chosen));
                        if (chosen == AuthMethod.NO_ACCEPTABLE_METHODS) {
                            // RFC 1928 §3: the client MUST close; we close too, so a client that does not cannot linger.
                            return close(out.concat(selection), "no acceptable method among " + ok.value().methods());
                        }
                        out = out.concat(selection);
                        phase = chosen == AuthMethod.USERNAME_PASSWORD ? Phase.AUTH : Phase.REQUEST;
                    } else if (d instanceof Decoded.Invalid<Greeting> bad) {
                        return close(out, bad.why());
                    } else {
                        return new Step(out, AwaitInput.INSTANCE);
                    }
                }
                case AUTH -> {
                    Decoded<UserPassRequest> d = Socks5Codec.decodeUserPass(buffer);
                    if (d instanceof Decoded.Ok<UserPassRequest> ok) {
                        buffer = ok.rest();
                        phase = Phase.AUTHENTICATING;
                        return new Step(out, new Authenticate(ok.value()));
                    } else if (d instanceof Decoded.Invalid<UserPassRequest> bad) {
                        return close(out.concat(Socks5Codec.encode(UserPassReply.FAILURE)), bad.why());
                    } else {
                        return new Step(out, AwaitInput.INSTANCE);
                    }
                }
                case REQUEST -> {
                    Decoded<Request> d = Socks5Codec.decodeRequest(buffer);
                    if (d instanceof Decoded.Ok<Request> ok) {
                        buffer = ok.rest();
                        request = ok.value();
                        if (request.address() instanceof SocksAddress.Unsupported) {
                            return fail(out, ReplyCode.ADDRESS_TYPE_NOT_SUPPORTED, "unknown ATYP");
                        }
                        switch (request.command()) {
                            case CONNECT -> {
                                phase = Phase.CONNECTING;
                                return new Step(out, new Connect(request));
                            }
                            case BIND -> {
                                phase = Phase.BINDING;
                                return new Step(out, new Bind(request));
                            }
                            case UDP_ASSOCIATE -> {
                                phase = Phase.ASSOCIATING;
                                return new Step(out, new Associate(request));
                            }
                            default -> {
                                return fail(out, ReplyCode.COMMAND_NOT_SUPPORTED, "CMD " + request.commandCode());
                            }
                        }
                    } else if (d instanceof Decoded.Invalid<Request> bad) {
                        return fail(out, ReplyCode.GENERAL_FAILURE, bad.why());
                    } else {
                        return new Step(out, AwaitInput.INSTANCE);
                    }
                }
                default -> {
                    // AUTHENTICATING, CONNECTING, BINDING or ASSOCIATING: keep the bytes for later
                    // (pipelined input; an association discards them when it is answered).
                    return new Step(out, AwaitInput.INSTANCE);
                }
            }
        }
    }

    private AuthMethod choose(Greeting greeting) {
        if (!authRequired && greeting.offers(AuthMethod.NO_AUTHENTICATION_REQUIRED)) {
            return AuthMethod.NO_AUTHENTICATION_REQUIRED;
        }
        if (greeting.offers(AuthMethod.USERNAME_PASSWORD)) {
            return AuthMethod.USERNAME_PASSWORD;
        }
        return AuthMethod.NO_ACCEPTABLE_METHODS;
    }

    private Step fail(ReplyCode code, String why) {
        return fail(ByteString.emptyByteString(), code, why);
    }

    private Step fail(ByteString out, ReplyCode code, String why) {
        replyCode = code;
        return close(out.concat(Socks5Codec.encode(Reply.failure(code))), why);
    }

    private Step close(ByteString out, String why) {
        phase = Phase.CLOSED;
        buffer = ByteString.emptyByteString();
        return new Step(out, new Close(why));
    }

    private void expect(Phase expected) {
        if (phase != expected) {
            throw new IllegalStateException("expected phase " + expected + " but was " + phase);
        }
    }
}
