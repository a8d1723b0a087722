package socks5d.proxy.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.apache.pekko.util.ByteString;

import socks5d.proxy.handshake.Handshake.Action;
import socks5d.proxy.handshake.Handshake.Authenticate;
import socks5d.proxy.handshake.Handshake.AwaitInput;
import socks5d.proxy.handshake.Handshake.Close;
import socks5d.proxy.handshake.Handshake.Connect;
import socks5d.proxy.handshake.Handshake.Phase;
import socks5d.proxy.handshake.Handshake.Relay;
import socks5d.proxy.handshake.Handshake.Step;
import socks5d.proxy.wire.ClientMessage;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Socks5Arbitraries;
import socks5d.proxy.wire.Socks5ClientCodec;
import socks5d.proxy.wire.Socks5Codec;
import socks5d.testkit.props.ByteArbitraries;
import socks5d.testkit.props.Chunks;

/**
 * Property tests of {@link Handshake} (bad input): for any client byte stream, with
 * authentication on or off and any outcome of authentication and connecting, the state machine
 * never throws, and what it sends, what it asks the driver to do and what it hands to the relay
 * do not depend on how the stream is chunked, nor on whether bytes arrive while it waits for
 * authentication or connecting (docs/protocols/socks5.md, Pipelining: pipelined or byte by byte,
 * both work). After Close it takes no more input and sends nothing more.
 */
final class HandshakePropertiesTest {

    /** How the driver's asynchronous work ends: the user directory's answer and the connect result. */
    record Outcomes(boolean authenticates, Optional<ReplyCode> connectFailure, int boundPort) {
    }

    /**
     * Everything observable: the bytes sent to the client, the actions other than AwaitInput (Relay
     * without its bytes), and the bytes relayed (those that came with Relay and those after it).
     */
    record Transcript(ByteString sent, List<Action> actions, ByteString relayed) {
    }

    @Property
    void outputDoesNotDependOnChunking(@ForAll boolean authRequired, @ForAll("clientStreams") ByteString stream,
                                       @ForAll("cuts") List<Integer> cuts, @ForAll("outcomes") Outcomes outcomes,
                                       @ForAll List<Boolean> eager) {
        Transcript whole = drive(authRequired, List.of(stream), outcomes, List.of());
        Transcript chunked = drive(authRequired, Chunks.split(stream, cuts), outcomes, eager);
        assertEquals(whole, chunked);
    }

    /**
     * Runs one handshake as the session stage does, feeding chunks while it awaits input and
     * answering Authenticate and Connect with {@code outcomes}. {@code eager}: whether to feed the
     * next chunk before answering (the handshake keeps it for later), one entry per decision.
     */
    static Transcript drive(boolean authRequired, List<ByteString> chunks, Outcomes outcomes, List<Boolean> eager) {
        Handshake h = new Handshake(authRequired);
        Deque<ByteString> input = new ArrayDeque<>(chunks);
        Iterator<Boolean> eagerness = eager.iterator();
        ByteString sent = ByteString.emptyByteString();
        List<Action> actions = new ArrayList<>();
        Action pending = AwaitInput.INSTANCE;
        while (true) {
            Step step;
            boolean asyncPending = pending instanceof Authenticate || pending instanceof Connect;
            boolean feedFirst = asyncPending && !input.isEmpty() && eagerness.hasNext() && eagerness.next();
            if (asyncPending && !feedFirst) {
                step = answer(h, pending, outcomes);
                pending = step.action();
            } else if (!input.isEmpty()) {
                step = h.onInput(input.poll());
                if (!(asyncPending && step.action() instanceof AwaitInput)) {
                    pending = step.action();
                } else {
                    assertEquals(ByteString.emptyByteString(), step.output(), "sent bytes while " + h.phase());
                }
            } else {
                return new Transcript(sent, actions, ByteString.emptyByteString());
            }
            sent = sent.concat(step.output());
            if (step.action() instanceof Relay) {
                // Which bytes come with Relay and which after it depends on the chunking; the
                // transcript's relayed bytes are both together.
                actions.add(new Relay(ByteString.emptyByteString()));
            } else if (!(step.action() instanceof AwaitInput)) {
                actions.add(step.action());
            }
            if (step.action() instanceof Close) {
                assertClosedForGood(h);
                return new Transcript(sent, actions, ByteString.emptyByteString());
            }
            if (step.action() instanceof Relay relay) {
                ByteString relayed = relay.pipelined();
                while (!input.isEmpty()) {
                    relayed = relayed.concat(input.poll());
                }
                return new Transcript(sent, actions, relayed);
            }
        }
    }

    private static Step answer(Handshake h, Action pending, Outcomes outcomes) {
        if (pending instanceof Authenticate auth) {
            return outcomes.authenticates()
                    ? h.onAuthenticated(auth.credentials().username()) : h.onAuthenticationFailed();
        }
        return outcomes.connectFailure()
                .map(h::onConnectFailed)
                .orElseGet(() -> h.onConnected(new InetSocketAddress(InetAddress.getLoopbackAddress(), outcomes.boundPort())));
    }

    /** After Close the handshake refuses every event, so it can send nothing more. */
    private static void assertClosedForGood(Handshake h) {
        assertEquals(Phase.CLOSED, h.phase());
        assertThrows(IllegalStateException.class, () -> h.onInput(ByteString.fromString("x")));
        assertThrows(IllegalStateException.class, () -> h.onAuthenticated("x"));
        assertThrows(IllegalStateException.class, h::onAuthenticationFailed);
        assertThrows(IllegalStateException.class, () -> h.onConnectFailed(ReplyCode.GENERAL_FAILURE));
        assertEquals(Phase.CLOSED, h.phase());
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return ByteArbitraries.cuts();
    }

    @Provide
    Arbitrary<Outcomes> outcomes() {
        Arbitrary<Optional<ReplyCode>> failure = Arbitraries.of(ReplyCode.class)
                .filter(c -> c != ReplyCode.SUCCEEDED).optional();
        return Combinators.combine(Arbitraries.of(true, false), failure, Socks5Arbitraries.ports()).as(Outcomes::new);
    }

    /**
     * What a client may send: a valid greeting, authentication and request, optionally followed by
     * payload for the relay (as is, or mutated), other valid message sequences, or random bytes.
     */
    @Provide
    Arbitrary<ByteString> clientStreams() {
        Arbitrary<ByteString> handshake = Combinators.combine(
                Socks5Arbitraries.greetings(), Socks5Arbitraries.userPasses().optional(), Socks5Arbitraries.requests(),
                ByteArbitraries.bytes(Socks5Codec.MAX_REQUEST)).as((g, u, r, payload) -> {
                    ByteString b = Socks5ClientCodec.encode(g);
                    if (u.isPresent()) {
                        b = b.concat(Socks5ClientCodec.encode(u.get()));
                    }
                    return b.concat(Socks5ClientCodec.encode(r)).concat(payload);
                });
        Arbitrary<ByteString> sequence = Socks5Arbitraries.clientMessages().list().ofMaxSize(4)
                .map(ms -> concat(ms));
        return Arbitraries.oneOf(handshake, ByteArbitraries.mutated(handshake), sequence,
                ByteArbitraries.bytes(2 * Socks5Codec.MAX_USERPASS));
    }

    private static ByteString concat(List<ClientMessage> messages) {
        ByteString b = ByteString.emptyByteString();
        for (ClientMessage m : messages) {
            b = b.concat(Socks5ClientCodec.encode(m));
        }
        return b;
    }
}
