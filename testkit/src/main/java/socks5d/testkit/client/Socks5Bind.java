package socks5d.testkit.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A BIND in progress, RFC 1928 §6: the first reply, whose BND.ADDR and BND.PORT name the socket the
 * server listens on for the expected host, and then, from {@link #awaitPeer}, the second reply with the
 * address and port of the host that connected. After a successful second reply {@link #socket()}
 * carries that host's stream. Made by {@link Socks5Client#bind}.
 *
 * <p>Owns the control socket; {@link #close()} closes it. Threading: one thread at a time.
 */
public final class Socks5Bind implements AutoCloseable {
    private final Socks5Result first;
    private final InetAddress proxyAddress;
    private final Duration readTimeout;
    private Socks5Result second;

    Socks5Bind(Socks5Result first, InetAddress proxyAddress, Duration readTimeout) {
        this.first = first;
        this.proxyAddress = proxyAddress;
        this.readTimeout = readTimeout;
    }

    /** The first reply: REP, and BND.ADDR/BND.PORT of the listening socket as sent. */
    public Socks5Result first() {
        return first;
    }

    /** True when the first reply was succeeded: the server listens, and {@link #awaitPeer} may follow. */
    public boolean succeeded() {
        return first.succeeded();
    }

    /**
     * Where the expected host should connect: BND.ADDR and BND.PORT of the first reply, with an
     * unspecified BND.ADDR (0.0.0.0 or ::) read as the proxy's own address; null if the BIND was refused.
     */
    public InetSocketAddress listenAddress() {
        return first.succeeded() ? UdpAssociation.reachable(first, proxyAddress) : null;
    }

    /**
     * Waits up to {@code timeout} for the second reply, RFC 1928 §6: REP, and the connecting host's
     * address and port in BND.ADDR and BND.PORT. On success the socket then relays that host's stream;
     * on a failure reply, a timeout or any other error it is closed, which ends the BIND. Nothing past
     * the reply is read, so the stream's first bytes stay in the socket.
     *
     * @throws IllegalStateException if the first reply was not succeeded, or the second was already read
     * @throws java.net.SocketTimeoutException if no second reply came in time
     * @throws java.io.EOFException if the server closed first
     */
    public Socks5Result awaitPeer(Duration timeout) throws IOException {
        if (!first.succeeded()) {
            throw new IllegalStateException("the BIND was refused: " + first);
        }
        if (second != null) {
            throw new IllegalStateException("the second reply was already read: " + second);
        }
        Socket s = first.socket();
        s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            second = Socks5Client.readReply(new DataInputStream(s.getInputStream()), first.method(),
                    first.authStatus(), s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        if (second.succeeded()) {
            s.setSoTimeout((int) readTimeout.toMillis());
        } else {
            s.close();
        }
        return second;
    }

    /** The second reply, or null until {@link #awaitPeer} read it. */
    public Socks5Result second() {
        return second;
    }

    /** The control socket: after a successful second reply, the connecting host's stream. */
    public Socket socket() {
        return first.socket();
    }

    @Override
    public void close() throws IOException {
        first.close();
    }

    @Override
    public String toString() {
        return "Socks5Bind[first=" + first + ", second=" + second + "]";
    }
}
