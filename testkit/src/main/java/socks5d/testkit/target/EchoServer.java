package socks5d.testkit.target;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Embedded target that echoes every byte back. When the client shuts down its output, the echo of what
 * was already received is completed and then the server shuts down its own output (half-close is
 * propagated: docs/protocols/socks5.md, Relay and half-close).
 *
 * <p>Threading: NIO selector threads (see {@link NioServer}); a connection whose echo backs up (the client
 * does not read) stops being read, so memory per connection stays bounded.
 */
public final class EchoServer extends TargetServer {
    /** Echo output queued beyond this stops reading until the client catches up. */
    private static final long HIGH_WATER = 1024 * 1024;

    private EchoServer(NioServer nio) {
        super(nio);
    }

    /** Starts an echo server on {@code bindAddr} (a loopback address), ephemeral port. */
    public static EchoServer start(InetAddress bindAddr) {
        return new EchoServer(NioServer.start("echo", bindAddr, DEFAULT_LOOPS, 0, Echo::new));
    }

    private static final class Echo implements ConnectionHandler {
        @Override
        public void onData(Connection c, ByteBuffer data) {
            c.write(data);
            if (c.pendingBytes() > HIGH_WATER) {
                c.pauseReading();
            }
        }

        @Override
        public void onDrained(Connection c) {
            c.resumeReading();
        }

        @Override
        public void onEof(Connection c) {
            c.shutdownOutputWhenDrained();
        }
    }
}
