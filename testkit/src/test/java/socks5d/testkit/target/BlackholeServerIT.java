package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import org.junit.jupiter.api.Test;

class BlackholeServerIT {

    @Test
    void stopsTheWriterUntilReleased() throws Exception {
        try (BlackholeServer hole = BlackholeServer.start(InetAddress.getLoopbackAddress());
             SocketChannel ch = SocketChannel.open(new InetSocketAddress(hole.address(), hole.port()))) {
            ch.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            // non-blocking writes stop being accepted once every buffer on the way is full
            for (int i = 0; i < 10_000; i++) {
                chunk.clear();
                int n = ch.write(chunk);
                if (n == 0) {
                    break;
                }
                written += n;
            }
            assertTrue(written < 64L * 1024 * 1024, "the writer was never stopped: " + written);
            assertEquals(0, hole.discarded());

            hole.release();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (hole.discarded() < written && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertEquals(written, hole.discarded());
            assertEquals(1, hole.acceptedCount());
        }
    }
}
