package socks5d.management.mass;

import java.util.Objects;
import java.util.Optional;

import org.apache.pekko.util.ByteString;

import socks5d.wire.Decoded;
import socks5d.management.mass.wire.MassCodec;
import socks5d.management.mass.wire.MassMessage;
import socks5d.management.mass.wire.MassMethod;
import socks5d.management.mass.wire.MassRequest;

/**
 * The MASS session's phases as a pure state machine (docs/protocols/mass.md): greeting, then
 * the RFC 1929 sub-negotiation if USERNAME/PASSWORD was chosen, then one request. It reads the
 * next whole client message of the current phase and says what to do; it never talks to actors
 * or sockets. A pipelined client's greeting, credentials and request in one read come out as
 * three steps. Pure; thread-safe.
 */
public final class MassSession {
    public enum Phase { GREETING, AUTH, REQUEST, DONE }

    /** What the server does with one client message. */
    public sealed interface Action {
    }

    /** Send {@code bytes} (possibly none), then close if {@code close}. */
    public record Send(ByteString bytes, boolean close) implements Action {
        public Send {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /** Send the X'00' method selection: no login follows and the request may run (allow-no-auth). */
    public record SkipLogin(ByteString bytes) implements Action {
        public SkipLogin {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /** Check these credentials for an ADMIN user (RFC 1929 §2), then answer 01 00 or 01 01 and close. */
    public record Authenticate(MassMessage.UserPass credentials) implements Action {
    }

    /**
     * Run the one request, send its reply and close (docs/protocols/mass.md, Requests and replies).
     */
    public record Execute(MassRequest request) implements Action {
    }

    /** One step: the action, the phase after it and the bytes after the message. */
    public record Step(Action action, Phase next, ByteString rest) {
    }

    private MassSession() {
    }

    /**
     * Reads the next message of {@code phase} from {@code in}. Empty when more bytes are needed
     * (or the session is done). {@code allowNoAuth}: whether method 0x00 may be chosen.
     */
    public static Optional<Step> next(Phase phase, ByteString in, boolean allowNoAuth) {
        switch (phase) {
            case GREETING: {
                Decoded<MassMessage.Greeting> d = MassCodec.decodeGreeting(in);
                if (d instanceof Decoded.Ok<MassMessage.Greeting> ok) {
                    return Optional.of(choose(ok.value(), allowNoAuth, ok.rest()));
                } else if (d instanceof Decoded.Invalid<MassMessage.Greeting>) {
                    // Not a MASS client (or NMETHODS 0): nothing it could read, close.
                    return Optional.of(new Step(new Send(ByteString.emptyByteString(), true), Phase.DONE,
                            ByteString.emptyByteString()));
                }
                return Optional.empty();
            }
            case AUTH: {
                Decoded<MassMessage.UserPass> d = MassCodec.decodeUserPass(in);
                if (d instanceof Decoded.Ok<MassMessage.UserPass> ok) {
                    return Optional.of(new Step(new Authenticate(ok.value()), Phase.REQUEST, ok.rest()));
                } else if (d instanceof Decoded.Invalid<MassMessage.UserPass>) {
                    // RFC 1929 §2: a failure status, and the server closes.
                    return Optional.of(new Step(new Send(MassCodec.encodeAuthReply(false), true), Phase.DONE,
                            ByteString.emptyByteString()));
                }
                return Optional.empty();
            }
            case REQUEST: {
                Decoded<MassRequest> d = MassCodec.decodeRequest(in);
                if (d instanceof Decoded.Ok<MassRequest> ok) {
                    return Optional.of(new Step(new Execute(ok.value()), Phase.DONE, ok.rest()));
                }
                return Optional.empty();
            }
            case DONE:
            default:
                return Optional.empty();
        }
    }

    /**
     * docs/protocols/mass.md, Method negotiation: USERNAME/PASSWORD whenever offered; 0x00 only if
     * allowed; else X'FF' and close.
     */
    private static Step choose(MassMessage.Greeting greeting, boolean allowNoAuth, ByteString rest) {
        if (greeting.offers(MassMethod.USERNAME_PASSWORD)) {
            return new Step(new Send(MassCodec.encodeMethodSelection(MassMethod.USERNAME_PASSWORD), false),
                    Phase.AUTH, rest);
        }
        if (allowNoAuth && greeting.offers(MassMethod.NO_AUTHENTICATION_REQUIRED)) {
            return new Step(new SkipLogin(MassCodec.encodeMethodSelection(MassMethod.NO_AUTHENTICATION_REQUIRED)),
                    Phase.REQUEST, rest);
        }
        return new Step(new Send(MassCodec.encodeMethodSelection(MassMethod.NO_ACCEPTABLE_METHODS), true),
                Phase.DONE, ByteString.emptyByteString());
    }
}
