package socks5d.proxy.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ThreadFactory;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Which Netty transport the data plane runs on: native epoll where the platform has it (fewer
 * copies and system calls than the JDK's selector; see docs/design.md), NIO elsewhere. Holds the
 * channel classes that go with the event loops, so that every channel of the data plane (the SOCKS
 * listener, destination connections, UDP relays, the DNS resolver) uses the same transport.
 * Immutable.
 */
public record Transport(String name, IoHandlerFactory ioHandlers,
                        Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        Class<? extends DatagramChannel> datagramChannel) {

    /** @param wanted {@code auto} (epoll if available, else NIO), {@code epoll} or {@code nio} */
    public static Transport choose(String wanted) {
        return switch (wanted.toLowerCase(java.util.Locale.ROOT)) {
            case "nio" -> nio();
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield epoll();
            }
            case "auto" -> Epoll.isAvailable() ? epoll() : nio();
            default -> throw new IllegalArgumentException(
                    "socks5d.proxy.transport must be auto, epoll or nio, was " + wanted);
        };
    }

    private static Transport epoll() {
        return new Transport("epoll", new EpollKeepRegistered(EpollIoHandler.newFactory()), EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollDatagramChannel.class);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    /**
     * The SOCKS listener's channel for {@code address}: an IPv4 socket for an IPv4 address, so that
     * {@code 0.0.0.0} is IPv4's wildcard only (a dual-stack socket bound to it, Netty's and the JDK's
     * default, takes IPv6 clients too); a dual-stack socket otherwise ({@code ::} takes both).
     */
    public ChannelFactory<? extends ServerChannel> serverChannelFor(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return new ReflectiveChannelFactory<>(serverChannel);
        }
        if (serverChannel == EpollServerSocketChannel.class) {
            return () -> new EpollServerSocketChannel(SocketProtocolFamily.INET);
        }
        if (serverChannel == NioServerSocketChannel.class) {
            return () -> new NioServerSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET);
        }
        return new ReflectiveChannelFactory<>(serverChannel);
    }

    /** {@code threads} event loops (0: one per core) named {@code socks5d-io-N}. */
    public EventLoopGroup newEventLoops(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        ThreadFactory factory = new DefaultThreadFactory("socks5d-io", true);
        return new MultiThreadIoEventLoopGroup(n, factory, ioHandlers);
    }
}
