package socks5d.management.pctp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.ManagementListener;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.limits.LoginThrottle;
import socks5d.wire.Decoded;
import socks5d.management.pctp.wire.PctpCodec;
import socks5d.management.pctp.wire.PctpLine;

/**
 * The PCTP listener (docs/protocols/pctp.md): text lines in, one reply per line out, in order, until
 * EXIT, the client's close or the idle timeout. The session logic is {@link PctpSession}; the
 * line framing is {@link PctpCodec#decodeLine}. Each connection's flow is confined to its stream.
 */
public final class PctpServer {
    private static final Logger log = LoggerFactory.getLogger(PctpServer.class);

    private PctpServer() {
    }

    /** Binds on {@code settings.listenAddress()} and {@code settings.pctp().port()}; fails if the bind fails. */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, ManagementSettings settings,
                                                          StateActors state) {
        return bind(system, settings, state, settings.pctp().port());
    }

    /** As {@link #bind(ActorSystem, ManagementSettings, StateActors)} on an explicit port (tests bind 0). */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, ManagementSettings settings,
                                                          StateActors state, int port) {
        // One throttle per listener: failed logins count per address across its connections.
        LoginThrottle throttle = new LoginThrottle("PCTP", settings.loginThrottle(), System::nanoTime);
        // idleTimeout: forgotten sessions are closed (pctp.idle-timeout).
        return ManagementListener.bind(system, "PCTP", settings, port, settings.pctp().idleTimeout(),
                peer -> flow(new StateClient(state, settings.askTimeout(), system.scheduler()), settings, throttle, peer));
    }

    /** The per-connection flow: the {@link #codec} stack joined with one {@link PctpSession}, answering in order. */
    public static Flow<ByteString, ByteString, NotUsed> flow(StateClient state, ManagementSettings settings,
                                                            LoginThrottle throttle, InetSocketAddress peer) {
        PctpSession session = new PctpSession(state, peer, throttle);
        Flow<PctpLine, PctpSession.Answer, NotUsed> handler = Flow.<PctpLine>create().mapAsync(1, session::handle);
        return codec(settings.pctp().maxLine()).join(handler).named("pctp-session");
    }

    /** Bytes to lines on top, replies to bytes below; the bottom ends the connection after EXIT's reply. */
    static BidiFlow<ByteString, PctpLine, PctpSession.Answer, ByteString, NotUsed> codec(int maxLine) {
        return BidiFlow.fromFlows(lines(maxLine), Flow.<PctpSession.Answer>create()
                .takeWhile(answer -> !answer.close(), true)
                .map(answer -> PctpCodec.encode(answer.reply()))
                .named("pctp-encode"));
    }

    /**
     * Splits bytes into lines of at most {@code maxLine} bytes. Framing.delimiter would fail the
     * stream on a long line; PCTP answers it -ERR (docs/protocols/pctp.md, Lines), so an over-long
     * line becomes {@link PctpLine.TooLong}, its bytes are dropped up to its LF, and the session
     * goes on. Memory per connection stays below {@code maxLine + 2} bytes plus one read.
     */
    static Flow<ByteString, PctpLine, NotUsed> lines(int maxLine) {
        return Flow.of(ByteString.class).<PctpLine>statefulMapConcat(() -> {
            ByteString[] buffer = {ByteString.emptyByteString()};
            boolean[] skipping = {false};
            return chunk -> {
                buffer[0] = buffer[0].concat(chunk);
                List<PctpLine> out = new ArrayList<>();
                while (true) {
                    if (skipping[0]) {
                        Optional<ByteString> rest = PctpCodec.skipLine(buffer[0]);
                        if (rest.isEmpty()) {
                            buffer[0] = ByteString.emptyByteString();
                            return out;
                        }
                        buffer[0] = rest.get();
                        skipping[0] = false;
                    }
                    Decoded<PctpLine> d = PctpCodec.decodeLine(buffer[0], maxLine);
                    if (!(d instanceof Decoded.Ok<PctpLine> ok)) {
                        return out;
                    }
                    out.add(ok.value());
                    buffer[0] = ok.rest();
                    skipping[0] = ok.value() instanceof PctpLine.TooLong tooLong && !tooLong.terminated();
                }
            };
        }).named("pctp-lines");
    }
}
