package socks5d.proxy.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.apache.pekko.stream.StreamTcpException;
import org.junit.jupiter.api.Test;

import socks5d.proxy.wire.ReplyCode;

/**
 * Tests of {@link ConnectFailures}: each way a dial fails maps to its RFC 1928 §6 reply
 * (docs/protocols/socks5.md, Replies), whether the cause arrives bare or the way Pekko's TCP stage
 * and a CompletionStage wrap it.
 */
final class ConnectFailuresTest {

    /** What Pekko's outgoing TCP stage fails with: the Connect command's text, then the cause. */
    static Throwable pekkoWrapped(Throwable cause) {
        StreamTcpException e = new StreamTcpException(
                "Tcp command [Connect(/192.0.2.1:80,None,List(),Some(10 seconds),true)] failed because of " + cause);
        e.initCause(cause);
        return new CompletionException(e);
    }

    @Test
    void refusedIsConnectionRefused() {
        ConnectException refused = new ConnectException("Connection refused");
        assertEquals(ReplyCode.CONNECTION_REFUSED, ConnectFailures.replyFor(refused));
        assertEquals(ReplyCode.CONNECTION_REFUSED, ConnectFailures.replyFor(pekkoWrapped(refused)));
        assertEquals(ReplyCode.CONNECTION_REFUSED,
                ConnectFailures.replyFor(new ConnectException("Connection refused: /192.0.2.1:80")));
    }

    @Test
    void connectTimeoutIsTtlExpired() {
        // Pekko's TcpOutgoingConnection fails a dial that outlasts its timeout with this message.
        ConnectException timeout = new ConnectException("Connect timeout of Some(10 seconds) expired");
        assertEquals(ReplyCode.TTL_EXPIRED, ConnectFailures.replyFor(timeout));
        assertEquals(ReplyCode.TTL_EXPIRED, ConnectFailures.replyFor(pekkoWrapped(timeout)));
        assertEquals(ReplyCode.TTL_EXPIRED, ConnectFailures.replyFor(new SocketTimeoutException()));
        assertEquals(ReplyCode.TTL_EXPIRED, ConnectFailures.replyFor(new ConnectException("Connection timed out")));
    }

    @Test
    void noRouteIsHostUnreachable() {
        assertEquals(ReplyCode.HOST_UNREACHABLE, ConnectFailures.replyFor(new NoRouteToHostException()));
        assertEquals(ReplyCode.HOST_UNREACHABLE,
                ConnectFailures.replyFor(pekkoWrapped(new NoRouteToHostException("No route to host"))));
        assertEquals(ReplyCode.HOST_UNREACHABLE,
                ConnectFailures.replyFor(new ConnectException("Host is unreachable")));
        assertEquals(ReplyCode.HOST_UNREACHABLE, ConnectFailures.replyFor(new PortUnreachableException()));
    }

    @Test
    void unresolvableNameIsHostUnreachable() {
        UnknownHostException unknown = new UnknownHostException("nowhere.invalid: no A or AAAA record");
        assertEquals(ReplyCode.HOST_UNREACHABLE, ConnectFailures.replyFor(unknown));
        assertEquals(ReplyCode.HOST_UNREACHABLE, ConnectFailures.replyFor(new CompletionException(unknown)));
    }

    @Test
    void networkUnreachableIsNetworkUnreachable() {
        ConnectException net = new ConnectException("Network is unreachable");
        assertEquals(ReplyCode.NETWORK_UNREACHABLE, ConnectFailures.replyFor(net));
        assertEquals(ReplyCode.NETWORK_UNREACHABLE, ConnectFailures.replyFor(pekkoWrapped(net)));
    }

    @Test
    void anythingElseIsGeneralFailure() {
        assertEquals(ReplyCode.GENERAL_FAILURE, ConnectFailures.replyFor(new RuntimeException("boom")));
        assertEquals(ReplyCode.GENERAL_FAILURE, ConnectFailures.replyFor(new IOException("Connection reset by peer")));
        assertEquals(ReplyCode.GENERAL_FAILURE, ConnectFailures.replyFor(new IllegalStateException()));
        assertEquals(ReplyCode.GENERAL_FAILURE, ConnectFailures.replyFor(new ConnectException()));
        assertEquals(ReplyCode.GENERAL_FAILURE,
                ConnectFailures.replyFor(new StreamTcpException("The connection actor has terminated. Stopping now.")));
        assertEquals(ReplyCode.GENERAL_FAILURE, ConnectFailures.replyFor(null));
    }

    @Test
    void causeCycleEndsInGeneralFailure() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertEquals(ReplyCode.GENERAL_FAILURE,
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ConnectFailures.replyFor(a)));
    }
}
