package socks5d.proxy.connect;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

import socks5d.proxy.wire.ReplyCode;

/**
 * Maps why a connection attempt failed to the RFC 1928 §6 reply that tells the client (docs/protocols/socks5.md, Replies):
 * refused 0x05, timed out 0x06, host unreachable or unresolvable 0x04, network unreachable 0x03,
 * anything else 0x01. Pure.
 */
public final class ConnectFailures {
    private ConnectFailures() {
    }

    public static ReplyCode replyFor(Throwable failure) {
        // A cause chain may loop (initCause only refuses a throwable as its own cause); stop at a repeat.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String msg = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof UnknownHostException) {
                return ReplyCode.HOST_UNREACHABLE;
            }
            if (t instanceof SocketTimeoutException || msg.contains("timeout") || msg.contains("timed out")) {
                return ReplyCode.TTL_EXPIRED;
            }
            if (msg.contains("network is unreachable") || msg.contains("network unreachable")) {
                return ReplyCode.NETWORK_UNREACHABLE;
            }
            if (t instanceof NoRouteToHostException || t instanceof PortUnreachableException
                    || msg.contains("no route to host") || msg.contains("host is unreachable")
                    || msg.contains("host unreachable")) {
                return ReplyCode.HOST_UNREACHABLE;
            }
            if (msg.contains("connection refused") || (t instanceof ConnectException && msg.contains("refused"))) {
                return ReplyCode.CONNECTION_REFUSED;
            }
        }
        return ReplyCode.GENERAL_FAILURE;
    }
}
