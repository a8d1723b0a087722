package socks5d.testkit.target;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Embedded target for download tests: reads an 8-byte big-endian length N from the client, then streams
 * the first N bytes of {@link SourcePattern} and shuts down its output. Whatever else the client sends is
 * read and discarded; the connection closes when both sides have shut down.
 *
 * <p>Threading: NIO selector threads (see {@link NioServer}); it writes straight from a shared read-only
 * pattern buffer and produces more only when the socket has taken what was written.
 */
public final class SourceServer extends TargetServer {
    /** Bytes offered to the socket per write. */
    private static final int CHUNK = 256 * 1024;

    private SourceServer(NioServer nio) {
        super(nio);
    }

    /** Starts a source server on {@code bindAddr} (a loopback address), ephemeral port. */
    public static SourceServer start(InetAddress bindAddr) {
        return new SourceServer(NioServer.start("source", bindAddr, DEFAULT_LOOPS, 0, Source::new));
    }

    private static final class Source implements ConnectionHandler {
        private final ByteBuffer header = ByteBuffer.allocate(SourcePattern.REQUEST_SIZE);
        private long offset;
        private long remaining = -1;

        @Override
        public void onData(Connection c, ByteBuffer data) {
            if (remaining >= 0) {
                return;
            }
            while (header.hasRemaining() && data.hasRemaining()) {
                header.put(data.get());
            }
            if (!header.hasRemaining()) {
                remaining = Math.max(0, header.flip().getLong());
                produce(c);
            }
        }

        @Override
        public void onDrained(Connection c) {
            produce(c);
        }

        @Override
        public void onEof(Connection c) {
            if (remaining < 0) {
                c.close();
            }
        }

        private void produce(Connection c) {
            while (remaining > 0 && c.pendingBytes() == 0 && !c.isClosed()) {
                int len = (int) Math.min(CHUNK, remaining);
                c.write(SourcePattern.slice(offset, len), false);
                offset += len;
                remaining -= len;
            }
            if (remaining == 0) {
                remaining = 0;
                c.shutdownOutputWhenDrained();
            }
        }
    }
}
