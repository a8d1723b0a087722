package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.socket.SocketChannel;

import org.junit.jupiter.api.Test;

class TransportTest {

    /** The data plane sets no TCP_NODELAY option of its own: it relies on this default (small writes go out at once). */
    @Test
    void socketChannelsOfEitherTransportHaveNagleOff() throws Exception {
        for (String name : new String[] {"auto", "nio"}) {
            SocketChannel channel = Transport.choose(name).socketChannel().getDeclaredConstructor().newInstance();
            try {
                assertTrue(channel.config().isTcpNoDelay(), name);
            } finally {
                channel.unsafe().closeForcibly();
            }
        }
    }
}
