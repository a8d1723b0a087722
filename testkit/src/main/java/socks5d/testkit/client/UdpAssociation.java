package socks5d.testkit.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

/**
 * A client's UDP association, RFC 1928 §7: the TCP control connection that asked for it (kept open,
 * since the association ends when it closes) and the client's own UDP socket, which sends every
 * datagram to the relay address of the reply wrapped in the §7 header and unwraps what comes back.
 * Made by {@link Socks5Client#udpAssociate()}.
 *
 * <p>Owns both sockets; {@link #close()} closes them. Threading: one thread may send while another
 * receives (the UDP socket allows it, and the load generator does so); at most one thread receives
 * at a time, because the receive timeout is the socket's.
 */
public final class UdpAssociation implements AutoCloseable {
    /** Larger than any UDP payload, so a datagram is never cut short by the buffer. */
    private static final int RECEIVE_BUFFER = 65_536;

    private final Socks5Result control;
    private final DatagramSocket udp;
    private final InetSocketAddress relay;
    private final byte[] receiveBuffer = new byte[RECEIVE_BUFFER];

    UdpAssociation(Socks5Result control, DatagramSocket udp, InetAddress proxyAddress) {
        this.control = control;
        this.udp = udp;
        this.relay = control.succeeded() ? reachable(control, proxyAddress) : null;
    }

    /**
     * Where to send what the server's reply names: BND.ADDR and BND.PORT, with an unspecified BND.ADDR
     * (0.0.0.0 or ::) read as the proxy's own address, as common clients do. A domain name is resolved.
     */
    static InetSocketAddress reachable(Socks5Result reply, InetAddress proxyAddress) {
        InetAddress a = reply.boundAddress();
        if (a == null) {
            return new InetSocketAddress(reply.boundHost(), reply.boundPort());
        }
        return new InetSocketAddress(a.isAnyLocalAddress() ? proxyAddress : a, reply.boundPort());
    }

    /** The control connection's handshake: the reply code and BND.ADDR/BND.PORT as sent. */
    public Socks5Result control() {
        return control;
    }

    /** True when the server answered the UDP ASSOCIATE with succeeded; otherwise both sockets are closed. */
    public boolean succeeded() {
        return control.succeeded();
    }

    /** The relay's address and port, where datagrams go; null when the association was refused. */
    public InetSocketAddress relay() {
        return relay;
    }

    /** The client's UDP socket address: the source of every datagram it sends. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    /** Sends {@code data} to {@code destination}: by address, or by name (ATYP 3) when it is unresolved. */
    public void send(InetSocketAddress destination, byte[] data) throws IOException {
        sendRaw(Socks5Frames.udpDatagram(destination, data));
    }

    /** Sends {@code data} to {@code host:port} by name (ATYP 3): the relay resolves it. */
    public void send(String host, int port, byte[] data) throws IOException {
        sendRaw(Socks5Frames.udpDatagram(host, port, data));
    }

    /** Sends {@code data} to an IPv4 or IPv6 address (ATYP 1 or 4). */
    public void send(InetAddress address, int port, byte[] data) throws IOException {
        sendRaw(Socks5Frames.udpDatagram(address, port, data));
    }

    /** Sends exactly {@code datagram} to the relay, header and all: for fragments, bad RSV or unknown ATYP. */
    public void sendRaw(byte[] datagram) throws IOException {
        if (relay == null) {
            throw new SocketException("the association was refused: " + control);
        }
        udp.send(new DatagramPacket(datagram, datagram.length, relay));
    }

    /**
     * Receives one datagram and takes its header apart.
     *
     * @throws java.net.SocketTimeoutException if none arrives within {@code timeout}
     * @throws java.net.ProtocolException if its header is malformed
     */
    public Socks5Datagram receive(Duration timeout) throws IOException {
        udp.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
        udp.receive(p);
        return Socks5Datagram.parse(p.getData(), p.getOffset(), p.getLength(), (InetSocketAddress) p.getSocketAddress());
    }

    /** The control connection, e.g. to close it and see the association end (RFC 1928 §7). */
    public Socket controlSocket() {
        return control.socket();
    }

    /** Closes the UDP socket and then the control connection, which ends the association. */
    @Override
    public void close() throws IOException {
        udp.close();
        control.close();
    }

    @Override
    public String toString() {
        return "UdpAssociation[relay=" + relay + ", local=" + udp.getLocalSocketAddress() + ", " + control + "]";
    }
}
