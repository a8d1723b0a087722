package socks5d.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.embedded.EmbeddedChannel;

/**
 * An {@link EmbeddedChannel} with socket addresses, for the data-plane classes that read their
 * channel's local or remote address as an {@link InetSocketAddress}. Built unregistered
 * ({@code register(false)}), it is registered by a bootstrap on another embedded channel's event loop,
 * so that one loop and one clock carry a whole session. Test helper; confined to its event loop.
 */
public class AddressedChannel extends EmbeddedChannel {
    private final InetSocketAddress local;
    private final InetSocketAddress remote;

    /** {@code local} or {@code remote} may be null (a listener has no remote address). */
    public AddressedChannel(EmbeddedChannel.Builder builder, InetSocketAddress local, InetSocketAddress remote) {
        super(builder);
        this.local = local;
        this.remote = remote;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
