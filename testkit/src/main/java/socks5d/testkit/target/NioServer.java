package socks5d.testkit.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket and selector threads behind every NIO target: accepts on the first loop and deals
 * connections round-robin to all loops, so 10,000 concurrent connections cost no thread each.
 *
 * <p>Threading: {@link #start} and {@link #close} from any thread; accepting and all connection work on
 * the loops; counters are atomic.
 */
final class NioServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NioServer.class);
    /** Bursts of thousands of connects must not overflow the accept queue (the kernel caps it at somaxconn). */
    private static final int BACKLOG = 16_384;
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private final ServerSocketChannel server;
    private final List<EventLoop> loops;
    private final Supplier<ConnectionHandler> handlers;
    private final AtomicLong accepted = new AtomicLong();
    private final InetSocketAddress local;
    private int next;

    private NioServer(ServerSocketChannel server, List<EventLoop> loops, Supplier<ConnectionHandler> handlers)
            throws IOException {
        this.server = server;
        this.loops = loops;
        this.handlers = handlers;
        this.local = (InetSocketAddress) server.getLocalAddress();
    }

    /**
     * Binds {@code bindAddr:0} and starts {@code loopCount} selector threads named after {@code name}.
     * {@code receiveBuffer} sets SO_RCVBUF of accepted sockets (0 keeps the system default).
     */
    static NioServer start(String name, InetAddress bindAddr, int loopCount, int receiveBuffer,
                           Supplier<ConnectionHandler> handlers) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (receiveBuffer > 0) {
                server.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            server.bind(new InetSocketAddress(bindAddr, 0), BACKLOG);
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            List<EventLoop> loops = new ArrayList<>();
            for (int i = 0; i < loopCount; i++) {
                loops.add(new EventLoop(name + "-" + port + "-" + i));
            }
            NioServer s = new NioServer(server, loops, handlers);
            EventLoop first = loops.get(0);
            server.register(first.selector(), SelectionKey.OP_ACCEPT, (EventLoop.Selectable) k -> s.acceptAll());
            loops.forEach(EventLoop::start);
            log.debug("Bound [{}] on [{}]", name, s.local);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " on " + bindAddr, e);
        }
    }

    private void acceptAll() {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                // e.g. EMFILE: keep the listener; the client sees its connect time out
                log.warn("Accept failed on [{}]: [{}]", local, e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            accepted.incrementAndGet();
            EventLoop loop = loops.get(next);
            next = (next + 1) % loops.size();
            loop.execute(() -> register(ch, loop));
        }
    }

    private void register(SocketChannel ch, EventLoop loop) {
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            new Connection(ch, loop, handlers.get()).register();
        } catch (IOException e) {
            log.debug("Register failed: [{}]", e.toString());
            try {
                ch.close();
            } catch (IOException ignored) {
                log.trace("Close after failed register failed");
            }
        }
    }

    int port() {
        return local.getPort();
    }

    InetAddress address() {
        return local.getAddress();
    }

    InetSocketAddress socketAddress() {
        return local;
    }

    long acceptedCount() {
        return accepted.get();
    }

    /** Runs {@code action} on every open connection, each on its own loop, and waits for all loops. */
    void forEachConnection(Consumer<Connection> action) {
        CountDownLatch done = new CountDownLatch(loops.size());
        for (EventLoop loop : loops) {
            loop.execute(() -> {
                try {
                    List.copyOf(loop.connections()).forEach(action);
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            if (!done.await(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("Loops of [{}] did not answer in time", local);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Connections currently open, counted on the loops. */
    int openConnections() {
        int[] count = new int[1];
        forEachConnection(c -> {
            synchronized (count) {
                count[0]++;
            }
        });
        synchronized (count) {
            return count[0];
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            log.debug("Closing listener failed", e);
        }
        loops.forEach(l -> l.shutdown(CLOSE_TIMEOUT_MILLIS));
    }
}
