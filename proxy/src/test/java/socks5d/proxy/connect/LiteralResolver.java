package socks5d.proxy.connect;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import socks5d.proxy.server.Transport;

/**
 * A {@link Resolver} for unit tests whose addresses are all IP literals: it is built over a group
 * that lists no event loop, so it has no DNS client and sends nothing; a literal is answered without
 * one. Test helper; close it after the test.
 */
public final class LiteralResolver implements AutoCloseable {
    private final DefaultEventLoopGroup noLoops = new DefaultEventLoopGroup(1) {
        @Override
        public Iterator<EventExecutor> iterator() {
            return Collections.emptyIterator();
        }
    };
    private final Resolver resolver = new Resolver(noLoops, Transport.choose("nio"),
            new Resolver.Settings(List.of(), "", Duration.ofSeconds(1)));

    public Resolver resolver() {
        return resolver;
    }

    @Override
    public void close() {
        resolver.close();
        noLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
