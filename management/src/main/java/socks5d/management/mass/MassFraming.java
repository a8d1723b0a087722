package socks5d.management.mass;

import java.util.Optional;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

import socks5d.management.FramingFlows;
import socks5d.management.mass.wire.MassCodec;

/**
 * MASS's framing (docs/protocols/mass.md): bytes in, one {@link MassSession.Action} up per client
 * message of at most {@link #MAX_MESSAGE} octets; bytes out unchanged. A MASS message has no
 * length of its own: which decoder cuts the next one depends on the phase (greeting, login,
 * request), so the frames are cut by the pure {@link MassSession#next}, and input after the
 * session is done is dropped. Stateless; each flow is confined to its stream.
 */
public final class MassFraming {
    /** The longest client message: the RFC 1929 login, VER ULEN UNAME(255) PLEN PASSWD(255). */
    public static final int MAX_MESSAGE = MassCodec.MAX_CLIENT_MESSAGE;

    private MassFraming() {
    }

    /**
     * Bytes out unchanged on top, client messages to actions below. {@code allowNoAuth}: whether
     * method 0x00 may be chosen (mass.allow-no-auth).
     */
    public static BidiFlow<ByteString, ByteString, ByteString, MassSession.Action, NotUsed> framing(
            boolean allowNoAuth) {
        return BidiFlow.fromFlows(Flow.of(ByteString.class), messages(allowNoAuth));
    }

    /** The reading side alone: bytes to one action per client message. */
    static Flow<ByteString, MassSession.Action, NotUsed> messages(boolean allowNoAuth) {
        return FramingFlows.split("mass-framing", MAX_MESSAGE, MassSession.Phase.GREETING,
                (phase, buffer) -> next(phase, buffer, allowNoAuth));
    }

    /** The framing rule, pure: the next message of {@code phase}, or nothing once the session is done. */
    static Optional<FramingFlows.Split<MassSession.Phase, MassSession.Action>> next(
            MassSession.Phase phase, ByteString buffer, boolean allowNoAuth) {
        if (phase == MassSession.Phase.DONE) {
            return Optional.of(FramingFlows.Split.drop(phase, ByteString.emptyByteString()));
        }
        return MassSession.next(phase, buffer, allowNoAuth)
                .map(step -> FramingFlows.Split.of(step.action(), step.next(), step.rest()));
    }
}
