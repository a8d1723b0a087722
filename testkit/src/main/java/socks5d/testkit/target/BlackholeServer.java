package socks5d.testkit.target;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embedded target that accepts and never reads, with a small receive buffer, so a sender through a proxy
 * soon fills every buffer on the way: for backpressure tests (docs/protocols/socks5.md, Relay and
 * half-close: a slow reader slows its writer). {@link #release()} starts reading and discarding, so
 * a test can then check the data still flows.
 *
 * <p>Threading: NIO selector threads (see {@link NioServer}); {@link #release()} from any thread.
 */
public final class BlackholeServer extends TargetServer {
    /** The kernel rounds this up to its minimum; small keeps the buffered amount predictable. */
    private static final int RECEIVE_BUFFER = 4096;

    private final Hole hole;

    private BlackholeServer(NioServer nio, Hole hole) {
        super(nio);
        this.hole = hole;
    }

    /** Starts a blackhole server on {@code bindAddr} (a loopback address), ephemeral port. */
    public static BlackholeServer start(InetAddress bindAddr) {
        Hole hole = new Hole();
        return new BlackholeServer(NioServer.start("blackhole", bindAddr, DEFAULT_LOOPS, RECEIVE_BUFFER,
                () -> hole), hole);
    }

    /** From now on reads and discards everything, on present and future connections. */
    public void release() {
        hole.released = true;
        nio.forEachConnection(Connection::resumeReading);
    }

    /** Bytes read and discarded since {@link #release()}. */
    public long discarded() {
        return hole.discarded.get();
    }

    /** Shared by all connections: it keeps no per-connection state. */
    private static final class Hole implements ConnectionHandler {
        private volatile boolean released;
        private final AtomicLong discarded = new AtomicLong();

        @Override
        public void onOpen(Connection c) {
            if (!released) {
                c.pauseReading();
            }
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            discarded.addAndGet(data.remaining());
            data.position(data.limit());
        }
    }
}
