package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
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

    /**
     * An IPv4 listen address gets an IPv4 socket, so that {@code -l 0.0.0.0} (the default) takes no IPv6
     * clients; an IPv6 one a dual-stack socket. Which kind the kernel made shows in /proc/net/tcp or
     * tcp6 (loopback addresses only here: the wildcard would listen on every interface).
     */
    @Test
    void anIpv4ListenAddressGetsAnIpv4SocketOfEitherTransport() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp6")), "Linux only");
        for (String name : new String[] {"auto", "nio"}) {
            assertEquals("tcp", listenerTable(name, InetAddress.getByName("127.0.0.1")), name);
            assertEquals("tcp6", listenerTable(name, InetAddress.getByName("::1")), name);
        }
    }

    /** The /proc/net table (tcp or tcp6) the listener a transport opens on {@code address} shows in. */
    private static String listenerTable(String transportName, InetAddress address) throws Exception {
        Transport transport = Transport.choose(transportName);
        EventLoopGroup loops = transport.newEventLoops(1);
        try {
            Channel listener = new ServerBootstrap().group(loops).channelFactory(transport.serverChannelFor(address))
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(address, 0))
                    .sync().channel();
            try {
                int port = ((InetSocketAddress) listener.localAddress()).getPort();
                String hexPort = String.format(Locale.ROOT, ":%04X ", port);
                boolean v4 = listens(Path.of("/proc/net/tcp"), hexPort);
                boolean v6 = listens(Path.of("/proc/net/tcp6"), hexPort);
                assertTrue(v4 ^ v6, "listening in exactly one table: v4 " + v4 + ", v6 " + v6);
                return v4 ? "tcp" : "tcp6";
            } finally {
                listener.close().sync();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A line of {@code table} whose local address ends in {@code hexPort} and whose state is LISTEN (0A). */
    private static boolean listens(Path table, String hexPort) throws Exception {
        List<String> lines = Files.readAllLines(table);
        return lines.stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                .anyMatch(f -> (f[1] + " ").endsWith(hexPort) && f[3].equals("0A"));
    }
}
