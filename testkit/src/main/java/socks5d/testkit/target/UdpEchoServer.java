package socks5d.testkit.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded UDP target that sends every datagram back to its sender, unchanged: the far end of an
 * RFC 1928 §7 UDP association in tests and in the benchmark's UDP scenario. It binds a loopback
 * address (IPv4 or IPv6) on an ephemeral port and counts the datagrams it received and echoed.
 *
 * <p>Owns one {@link DatagramChannel} and one daemon thread that blocks in {@code receive} and
 * answers in turn; memory is bounded by one buffer of the largest UDP payload, and a datagram that
 * arrives while the thread is busy waits in the kernel's receive buffer (or is dropped there, as
 * UDP allows). Threading: the serving thread owns the buffer; counters are atomic and every public
 * method may be called from any thread; {@link #close()} closes the channel and joins the thread
 * (bounded).
 */
public final class UdpEchoServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpEchoServer.class);
    /** The largest UDP payload over IPv6 (65,535 minus the 8-octet UDP header); IPv4's is smaller. */
    public static final int MAX_DATAGRAM = 65_527;
    /** Room for a few hundred in-flight datagrams of the benchmark while the thread is busy sending. */
    private static final int SOCKET_BUFFER = 1024 * 1024;
    private static final long JOIN_MILLIS = 2_000;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final Thread thread;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicReference<InetSocketAddress> lastSender = new AtomicReference<>();
    private volatile boolean closed;

    private UdpEchoServer(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.thread = new Thread(this::serve, "udp-echo-" + local.getPort());
        this.thread.setDaemon(true);
    }

    /** Starts an echo server on {@code bindAddr} (127.0.0.1 or ::1), ephemeral port. */
    public static UdpEchoServer start(InetAddress bindAddr) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(
                    bindAddr instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            ch.bind(new InetSocketAddress(bindAddr, 0));
            UdpEchoServer s = new UdpEchoServer(ch);
            s.thread.start();
            log.debug("UDP echo on [{}]", s.local);
            return s;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("Cannot start UDP echo on " + bindAddr, e);
        }
    }

    /** The bound (ephemeral) port. */
    public int port() {
        return local.getPort();
    }

    /** The bound address (the loopback address given to {@link #start}). */
    public InetAddress address() {
        return local.getAddress();
    }

    /** Address and port together: where to send datagrams. */
    public InetSocketAddress socketAddress() {
        return local;
    }

    /** Datagrams received since start, empty ones included. */
    public long receivedCount() {
        return received.get();
    }

    /** Datagrams sent back since start. */
    public long echoedCount() {
        return echoed.get();
    }

    /** The source of the latest datagram (for a proxied test, the relay's outbound socket), or null. */
    public InetSocketAddress lastSender() {
        return lastSender.get();
    }

    /** Waits (bounded) until at least {@code n} datagrams were received. */
    public void awaitReceived(long n, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("received " + received.get() + " of " + n + " datagrams");
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        while (!closed) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                synchronized (received) {
                    received.incrementAndGet();
                    received.notifyAll();
                }
                lastSender.set((InetSocketAddress) from);
                buf.flip();
                // Counted before it is sent: a client that has its answer must see it counted.
                echoed.incrementAndGet();
                if (channel.send(buf, from) == 0 && buf.hasRemaining()) {
                    echoed.decrementAndGet();
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // one sender's trouble (e.g. its socket is gone) must not stop the echo for the others
                if (!closed) {
                    log.debug("UDP echo failed for one datagram: [{}]", e.toString());
                }
            }
        }
    }

    /** Closes the channel and joins the serving thread (bounded). */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing UDP echo failed", e);
        }
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "UdpEchoServer[" + local + ", received=" + received.get() + ", echoed=" + echoed.get() + "]";
    }
}
