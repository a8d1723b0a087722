package socks5d.management.pctp;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

import socks5d.management.ManagementListener;
import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.pctp.wire.PctpCodec;
import socks5d.management.pctp.wire.PctpLine;

/**
 * The PCTP listener (docs/protocols/pctp.md): text lines in, one reply per line out, in order, until
 * EXIT, the client's close or the idle timeout. The session logic is {@link PctpSession}; the
 * line framing is {@link PctpFraming}. Each connection's flow is confined to its stream.
 */
public final class PctpServer {
    private PctpServer() {
    }

    /**
     * Binds the PCTP listener on {@code settings.listenAddress()} and {@code port} (0 picks a free
     * port); the stage fails if the bind fails. {@link socks5d.management.ManagementServers} binds it on
     * {@code pctp.port} when that is not 0.
     */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, ManagementSettings settings,
                                                          StateActors state, int port) {
        // One throttle per listener: failed logins count per address across its connections.
        LoginThrottle throttle = new LoginThrottle("PCTP", settings.loginThrottle(), System::nanoTime);
        // idleTimeout: forgotten sessions are closed (pctp.idle-timeout).
        return ManagementListener.bind(system, "PCTP", settings, port, settings.pctp().idleTimeout(),
                peer -> flow(new StateClient(state, settings.askTimeout(), system.scheduler()), settings, throttle, peer));
    }

    /**
     * The per-connection flow: the {@code codec().atop(PctpFraming.framing(maxLine))} stack joined
     * with one {@link PctpSession}, answering in order.
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(StateClient state, ManagementSettings settings,
                                                            LoginThrottle throttle, InetSocketAddress peer) {
        PctpSession session = new PctpSession(state, peer, throttle);
        Flow<PctpLine, PctpSession.Answer, NotUsed> handler = ManagementListener.<PctpLine>requestDeadlines(
                settings.firstRequestTimeout(), settings.pctp().idleTimeout()).mapAsync(1, session::handle);
        return codec().atop(PctpFraming.framing(settings.pctp().maxLine())).reversed().join(handler)
                .named("pctp-session");
    }

    /**
     * Replies to bytes on top, ending the connection after EXIT's reply (which cancels the reading
     * side); lines pass up unchanged, the session parsing each one.
     */
    static BidiFlow<PctpSession.Answer, ByteString, PctpLine, PctpLine, NotUsed> codec() {
        return BidiFlow.fromFlows(
                Flow.<PctpSession.Answer>create()
                        .takeWhile(answer -> !answer.close(), true)
                        .map(answer -> PctpCodec.encode(answer.reply()))
                        .named("pctp-encode"),
                Flow.of(PctpLine.class));
    }
}
