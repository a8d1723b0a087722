package socks5d.testkit.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;

/**
 * How the load generator reaches a target: straight ({@link #direct}) or through a SOCKS5 proxy with the
 * testkit's own client ({@link #socks}). Every socket it returns has the read timeout set.
 *
 * <p>Threading: implementations are immutable and shared by all load threads.
 */
public interface Route {

    /** Opens a connection to {@code target} ready for data; throws if the proxy refuses it. */
    Socket open(InetSocketAddress target) throws IOException;

    /** A short label for progress lines. */
    String label();

    /**
     * A UDP path to the echo target {@code echo} (scenario U): straight, or through a SOCKS5 UDP
     * association. Routes without UDP throw.
     */
    default UdpLoad.Path udp(InetSocketAddress echo) throws IOException {
        throw new IOException(label() + " carries no UDP");
    }

    /** Whether only the targets known when the route was made can be reached (a plain relay). */
    default boolean fixedTargets() {
        return false;
    }

    /** A plain TCP connection. */
    static Route direct(Duration timeout) {
        return new Route() {
            @Override
            public UdpLoad.Path udp(InetSocketAddress echo) throws IOException {
                return UdpLoad.Path.direct(echo);
            }

            @Override
            public Socket open(InetSocketAddress target) throws IOException {
                Socket s = new Socket();
                try {
                    s.setTcpNoDelay(true);
                    s.connect(target, (int) timeout.toMillis());
                    s.setSoTimeout((int) timeout.toMillis());
                    return s;
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
            }

            @Override
            public String label() {
                return "direct";
            }
        };
    }

    /**
     * Through the SOCKS5 proxy at {@code proxy}: greeting, RFC 1929 authentication when {@code user} is not
     * null, CONNECT by address; each step its own write, as ordinary clients do.
     */
    static Route socks(InetSocketAddress proxy, String user, String password, Duration timeout) {
        Socks5Client base = Socks5Client.to(proxy).withTimeouts(timeout, timeout);
        Socks5Client client = user == null ? base : base.withAuth(user, password).withMethods(
                socks5d.testkit.client.Socks5Frames.METHOD_USERPASS);
        return new Route() {
            @Override
            public Socket open(InetSocketAddress target) throws IOException {
                Socks5Result r = client.connect(target.getAddress(), target.getPort());
                if (!r.succeeded()) {
                    r.close();
                    throw new IOException("proxy refused: " + r);
                }
                return r.socket();
            }

            @Override
            public String label() {
                return "socks5 " + proxy.getPort() + (user == null ? " no-auth" : " auth");
            }

            @Override
            public UdpLoad.Path udp(InetSocketAddress echo) throws IOException {
                socks5d.testkit.client.UdpAssociation a = client.udpAssociate();
                if (!a.succeeded()) {
                    a.close();
                    throw new IOException("proxy refused UDP ASSOCIATE: " + a.control());
                }
                return UdpLoad.Path.socks(a, echo);
            }
        };
    }

    /**
     * Through a plain TCP relay without SOCKS ({@link PekkoRelay}): each target is reached at the relay
     * port that forwards to it.
     */
    static Route relay(java.util.Map<InetSocketAddress, InetSocketAddress> via, Duration timeout) {
        Route direct = direct(timeout);
        return new Route() {
            @Override
            public Socket open(InetSocketAddress target) throws IOException {
                InetSocketAddress port = via.get(target);
                if (port == null) {
                    throw new IOException("the relay has no port for " + target);
                }
                return direct.open(port);
            }

            @Override
            public String label() {
                return "relay";
            }

            @Override
            public boolean fixedTargets() {
                return true;
            }
        };
    }

    /** Reads exactly {@code buf.length} bytes or throws (EOF or the socket's read timeout). */
    static void readFully(Socket s, byte[] buf) throws IOException {
        int got = 0;
        while (got < buf.length) {
            int r = s.getInputStream().read(buf, got, buf.length - got);
            if (r < 0) {
                throw new SocketTimeoutException("peer closed after " + got + " of " + buf.length + " bytes");
            }
            got += r;
        }
    }
}
