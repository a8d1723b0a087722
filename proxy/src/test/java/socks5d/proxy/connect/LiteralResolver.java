package socks5d.proxy.connect;

import java.net.InetAddress;
import java.net.UnknownHostException;
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

    /** The address of an IP literal such as {@code "127.0.0.2"} (no lookup happens for a literal). */
    public static InetAddress literal(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }

    public Resolver resolver() {
        return resolver;
    }

    @Override
    public void close() {
        resolver.close();
        noLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
