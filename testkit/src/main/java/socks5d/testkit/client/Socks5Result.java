package socks5d.testkit.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * The outcome of one {@link Socks5Client} handshake, stage by stage: the method the server chose, the
 * RFC 1929 status (when authentication ran), the reply code and bound address (when a reply came), and
 * the socket, open for data only when {@link #succeeded()}.
 *
 * <p>Owns the socket; {@link #close()} closes it. Threading: one thread at a time.
 */
public final class Socks5Result implements AutoCloseable {
    /** Marks a stage that did not happen (e.g. no authentication for method 0x00). */
    public static final int NOT_REACHED = -1;

    private final int method;
    private final int authStatus;
    private final int reply;
    private final int boundAddressType;
    private final InetAddress boundAddress;
    private final String boundHost;
    private final int boundPort;
    private final Socket socket;

    Socks5Result(int method, int authStatus, int reply, int boundAddressType, InetAddress boundAddress,
                 String boundHost, int boundPort, Socket socket) {
        this.method = method;
        this.authStatus = authStatus;
        this.reply = reply;
        this.boundAddressType = boundAddressType;
        this.boundAddress = boundAddress;
        this.boundHost = boundHost;
        this.boundPort = boundPort;
        this.socket = socket;
    }

    /** The METHOD the server chose (0xFF: none acceptable; the other fields are then not reached). */
    public int method() {
        return method;
    }

    /** RFC 1929 STATUS (0 = success), or {@link #NOT_REACHED} when the method needed no authentication. */
    public int authStatus() {
        return authStatus;
    }

    /** REP of the server's reply (0 = succeeded), or {@link #NOT_REACHED} if the handshake stopped earlier. */
    public int reply() {
        return reply;
    }

    /** ATYP of BND.ADDR, or {@link #NOT_REACHED}. */
    public int boundAddressType() {
        return boundAddressType;
    }

    /** BND.ADDR when it is an IPv4 or IPv6 address, else null. */
    public InetAddress boundAddress() {
        return boundAddress;
    }

    /** BND.ADDR as text: the address literal or the domain name; null if no reply. */
    public String boundHost() {
        return boundHost;
    }

    /** BND.PORT, or {@link #NOT_REACHED}. */
    public int boundPort() {
        return boundPort;
    }

    /** True when the reply was 0x00 (succeeded): {@link #socket()} then relays to the destination. */
    public boolean succeeded() {
        return reply == Socks5Frames.REP_SUCCEEDED;
    }

    /** The socket to the proxy; relays data when {@link #succeeded()}, otherwise already used up. */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "Socks5Result[method=" + method + ", authStatus=" + authStatus + ", reply=" + reply
                + ", bound=" + boundHost + ":" + boundPort + "]";
    }
}
