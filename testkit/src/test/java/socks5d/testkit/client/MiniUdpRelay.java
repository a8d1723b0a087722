package socks5d.testkit.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A deliberately minimal SOCKS5 server for one UDP association (RFC 1928 §7), so the testkit's client
 * and the UDP load generator are tested without the proxy module: no authentication, one control
 * connection, a relay socket for the client and another towards the targets. Datagrams with a non-zero
 * RSV or FRAG, or to a name it does not know, are dropped and counted. Names resolve from a fixed map,
 * never through DNS. Test code only; never a reference for socks5d.
 *
 * <p>Threading: one daemon thread serves the control connection, two more pump datagrams, one per
 * direction; {@link #close()} closes every socket, which ends them.
 */
public final class MiniUdpRelay implements AutoCloseable {
    private static final int TIMEOUT_MS = 5_000;
    private static final int MAX_DATAGRAM = 65_536;
    private static final byte[] LOOPBACK_V4 = {127, 0, 0, 1};

    private final ServerSocket server;
    private final Map<String, InetAddress> names;
    private final int replyCode;
    private final boolean unspecifiedBound;
    private final CompletableFuture<byte[]> request = new CompletableFuture<>();
    private final CompletableFuture<Void> controlClosed = new CompletableFuture<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicReference<InetSocketAddress> client = new AtomicReference<>();
    private volatile DatagramSocket clientSide;
    private volatile DatagramSocket outside;

    private MiniUdpRelay(Map<String, InetAddress> names, int replyCode, boolean unspecifiedBound) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getByAddress(LOOPBACK_V4));
        this.server.setSoTimeout(TIMEOUT_MS);
        this.names = Map.copyOf(names);
        this.replyCode = replyCode;
        this.unspecifiedBound = unspecifiedBound;
        spawn("mini-udp-control", this::control);
    }

    /** A relay that grants the association and reports its UDP socket as BND.ADDR 127.0.0.1. */
    public static MiniUdpRelay start(Map<String, InetAddress> names) throws IOException {
        return new MiniUdpRelay(names, Socks5Frames.REP_SUCCEEDED, false);
    }

    /** A relay that grants the association but reports BND.ADDR 0.0.0.0 with its port. */
    public static MiniUdpRelay reportingUnspecifiedAddress(Map<String, InetAddress> names) throws IOException {
        return new MiniUdpRelay(names, Socks5Frames.REP_SUCCEEDED, true);
    }

    /** A server that answers UDP ASSOCIATE with {@code rep} and closes. */
    public static MiniUdpRelay refusing(int rep) throws IOException {
        return new MiniUdpRelay(Map.of(), rep, false);
    }

    /** The control listener: where the client connects. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** The UDP ASSOCIATE request's bytes as received, once they have come. */
    public CompletableFuture<byte[]> request() {
        return request;
    }

    /** Completes when the client closes the control connection. */
    public CompletableFuture<Void> controlClosed() {
        return controlClosed;
    }

    /** Datagrams dropped: bad RSV, FRAG not zero, unknown ATYP or name, truncated header. */
    public long dropped() {
        return dropped.get();
    }

    private void control() {
        try (Socket c = server.accept()) {
            c.setSoTimeout(TIMEOUT_MS);
            DataInputStream in = new DataInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            in.readUnsignedByte();
            in.readFully(new byte[in.readUnsignedByte()]);
            out.write(new byte[] {Socks5Frames.VERSION, Socks5Frames.METHOD_NO_AUTH});
            byte[] head = in.readNBytes(4);
            byte[] addr = switch (head[3]) {
                case Socks5Frames.ATYP_IPV4 -> in.readNBytes(4);
                case Socks5Frames.ATYP_IPV6 -> in.readNBytes(16);
                default -> {
                    int len = in.readUnsignedByte();
                    yield Socks5Frames.concat(new byte[] {(byte) len}, in.readNBytes(len));
                }
            };
            request.complete(Socks5Frames.concat(head, addr, in.readNBytes(2)));
            if (replyCode != Socks5Frames.REP_SUCCEEDED) {
                out.write(new byte[] {Socks5Frames.VERSION, (byte) replyCode, 0, 1, 0, 0, 0, 0, 0, 0});
                return;
            }
            clientSide = new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK_V4), 0));
            outside = new DatagramSocket();
            spawn("mini-udp-in", this::pumpFromClient);
            spawn("mini-udp-out", this::pumpToClient);
            int p = clientSide.getLocalPort();
            byte[] bound = unspecifiedBound ? new byte[4] : LOOPBACK_V4;
            out.write(Socks5Frames.concat(new byte[] {Socks5Frames.VERSION, 0, 0, Socks5Frames.ATYP_IPV4}, bound,
                    new byte[] {(byte) (p >>> Byte.SIZE), (byte) p}));
            c.setSoTimeout(0);
            // RFC 1928 §7: the association lives as long as the control connection
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            request.completeExceptionally(e);
        } finally {
            controlClosed.complete(null);
            closeUdp();
        }
    }

    private void pumpFromClient() {
        byte[] buf = new byte[MAX_DATAGRAM];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                clientSide.receive(p);
            } catch (IOException e) {
                return;
            }
            client.set((InetSocketAddress) p.getSocketAddress());
            InetSocketAddress to;
            int dataAt;
            try {
                Socks5Datagram d = Socks5Datagram.parse(p.getData(), p.getOffset(), p.getLength(), client.get());
                if (d.fragment() != 0) {
                    dropped.incrementAndGet();
                    continue;
                }
                InetAddress a = d.address() != null ? d.address() : names.get(d.host());
                if (a == null) {
                    dropped.incrementAndGet();
                    continue;
                }
                to = new InetSocketAddress(a, d.port());
                dataAt = p.getLength() - d.data().length;
            } catch (ProtocolException e) {
                dropped.incrementAndGet();
                continue;
            }
            try {
                outside.send(new DatagramPacket(buf, p.getOffset() + dataAt, p.getLength() - dataAt, to));
            } catch (IOException e) {
                dropped.incrementAndGet();
            }
        }
    }

    private void pumpToClient() {
        byte[] buf = new byte[MAX_DATAGRAM];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                outside.receive(p);
                InetSocketAddress c = client.get();
                if (c == null) {
                    continue;
                }
                byte[] data = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
                byte[] wrapped = Socks5Frames.udpDatagram(p.getAddress(), p.getPort(), data);
                clientSide.send(new DatagramPacket(wrapped, wrapped.length, c));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                dropped.incrementAndGet();
            }
        }
    }

    private static void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void closeUdp() {
        if (clientSide != null) {
            clientSide.close();
        }
        if (outside != null) {
            outside.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeUdp();
    }

    @Override
    public String toString() {
        return "MiniUdpRelay[" + address() + ", dropped=" + dropped.get() + ", names=" + names.keySet() + "]";
    }
}
