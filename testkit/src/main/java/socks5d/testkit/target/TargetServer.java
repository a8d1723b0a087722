package socks5d.testkit.target;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What every NIO embedded target offers: where it listens, how many connections it accepted and how many
 * are open, and {@link #close()}, which stops its threads and closes every socket.
 *
 * <p>Threading: all methods may be called from any thread.
 */
public abstract class TargetServer implements AutoCloseable {
    /** Two selector threads: one per core of the machines this runs on. */
    static final int DEFAULT_LOOPS = 2;

    final NioServer nio;

    TargetServer(NioServer nio) {
        this.nio = nio;
    }

    /** The bound (ephemeral) port. */
    public int port() {
        return nio.port();
    }

    /** The bound address (the loopback address given to {@code start}). */
    public InetAddress address() {
        return nio.address();
    }

    /** Address and port together. */
    public InetSocketAddress socketAddress() {
        return nio.socketAddress();
    }

    /** Connections accepted since start. */
    public long acceptedCount() {
        return nio.acceptedCount();
    }

    /** Connections open right now (asks the selector threads; cheap but not free). */
    public int openConnections() {
        return nio.openConnections();
    }

    /** Closes the listener and every connection and stops the threads (bounded wait). */
    @Override
    public void close() {
        nio.close();
    }
}
