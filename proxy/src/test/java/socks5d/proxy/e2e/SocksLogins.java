package socks5d.proxy.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.RawConnection;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.client.Socks5Result;

/**
 * Who may use a running socks5d, asked the way a client would (RFC 1929): a whole CONNECT as a user, or
 * just the sub-negotiation's STATUS. Test helper; blocking, every wait bounded by {@link #T}.
 */
final class SocksLogins {
    private static final Duration T = Duration.ofSeconds(5);

    private SocksLogins() {
    }

    /** The REP of a CONNECT to the loopback {@code echoPort} as {@code user}; on success the session must echo. */
    static int connectAs(InetSocketAddress socks, String user, String password, int echoPort) throws IOException {
        try (Socks5Result r = Socks5Client.to(socks).withAuth(user, password).withTimeouts(T, T)
                .connect(InetAddress.getLoopbackAddress(), echoPort)) {
            if (r.reply() == 0) {
                ProxyHarness.assertEchoes(r.socket(), "as " + user);
            }
            return r.reply();
        }
    }

    /** The RFC 1929 STATUS the proxy answers to {@code user} and {@code password}: 0 success, else failure. */
    static int authStatus(InetSocketAddress socks, String user, String password) throws IOException {
        try (RawConnection c = RawConnection.open(socks, T)) {
            c.send(Socks5Frames.greeting(Socks5Frames.METHOD_USERPASS), Socks5Frames.userPass(user, password));
            return c.readExactly(4, T)[3];
        }
    }
}
