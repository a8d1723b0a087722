package socks5d.testkit.target;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Embedded target for upload tests: reads everything until the client shuts down its output, then writes
 * a {@link Receipt} (8-byte big-endian count, 8-byte big-endian CRC32C) and closes. A test sends e.g.
 * 64 MiB and checks that every byte arrived in order.
 *
 * <p>Threading: NIO selector threads (see {@link NioServer}); the byte total is atomic.
 */
public final class SinkServer extends TargetServer {
    private final AtomicLong received;

    private SinkServer(NioServer nio, AtomicLong received) {
        super(nio);
        this.received = received;
    }

    /** Starts a sink server on {@code bindAddr} (a loopback address), ephemeral port. */
    public static SinkServer start(InetAddress bindAddr) {
        AtomicLong received = new AtomicLong();
        return new SinkServer(NioServer.start("sink", bindAddr, DEFAULT_LOOPS, 0, () -> new Sink(received)),
                received);
    }

    /** Bytes received over all connections so far. */
    public long receivedTotal() {
        return received.get();
    }

    /** What the sink answers: how many bytes arrived and their CRC32C. */
    public record Receipt(long count, long crc32c) {
        /** Size of a receipt on the wire. */
        public static final int SIZE = 2 * Long.BYTES;

        /** The receipt a sink sends after receiving exactly {@code data}. */
        public static Receipt of(byte[] data) {
            CRC32C crc = new CRC32C();
            crc.update(data);
            return new Receipt(data.length, crc.getValue());
        }

        /** Reads the 16 receipt bytes (the stream's read timeout applies). */
        public static Receipt read(InputStream in) throws IOException {
            byte[] b = in.readNBytes(SIZE);
            if (b.length < SIZE) {
                throw new EOFException("receipt truncated after " + b.length + " bytes");
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new Receipt(buf.getLong(), buf.getLong());
        }

        /** The 16 wire bytes. */
        public byte[] toBytes() {
            return ByteBuffer.allocate(SIZE).putLong(count).putLong(crc32c).array();
        }
    }

    private static final class Sink implements ConnectionHandler {
        private final AtomicLong total;
        private final CRC32C crc = new CRC32C();
        private long count;

        Sink(AtomicLong total) {
            this.total = total;
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            int n = data.remaining();
            crc.update(data);
            count += n;
            total.addAndGet(n);
        }

        @Override
        public void onEof(Connection c) {
            c.write(ByteBuffer.wrap(new Receipt(count, crc.getValue()).toBytes()));
            c.closeWhenDrained();
        }
    }
}
