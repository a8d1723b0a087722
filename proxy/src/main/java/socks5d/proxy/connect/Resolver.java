package socks5d.proxy.connect;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.HostsFileEntriesProvider;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.EventExecutor;

import socks5d.proxy.server.Transport;
import socks5d.proxy.wire.SocksAddress;

/**
 * Resolves a DOMAINNAME request (RFC 1928 §5 X'03') to every IPv4 and IPv6 address the way the
 * system does: the hosts file first, then DNS with the nameservers and search list of
 * {@code /etc/resolv.conf} (or the ones configured, so tests use a loopback DNS server), caching
 * answers for their TTL. IP literals sent as names are parsed locally and never looked up.
 *
 * <p>Netty's DNS resolver runs on the event loops themselves: one resolver per event loop, built at
 * start, so a session's lookup completes on the event loop that owns the session and no thread ever
 * blocks on a name. The hosts file is read once at start. Thread-safe: the per-loop map is never
 * changed after construction, and each resolver is used only from its own event loop.
 */
public final class Resolver implements AutoCloseable {
    /** How names are resolved; see {@code socks5d.proxy.dns} in reference.conf. */
    public record Settings(List<InetSocketAddress> nameservers, String hostsFile, Duration timeout) {
        public Settings {
            nameservers = List.copyOf(nameservers);
        }
    }

    private final Map<EventExecutor, DnsNameResolver> resolvers = new IdentityHashMap<>();
    private final Map<String, List<InetAddress>> hosts;

    public Resolver(EventLoopGroup loops, Transport transport, Settings settings) {
        this.hosts = readHosts(settings.hostsFile());
        DnsServerAddressStreamProvider servers = settings.nameservers().isEmpty()
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SequentialDnsServerAddressStreamProvider(settings.nameservers());
        for (EventExecutor e : loops) {
            DnsNameResolverBuilder b = new DnsNameResolverBuilder((EventLoop) e)
                    .datagramChannelType(transport.datagramChannel())
                    // Answers too large for UDP are asked again over TCP (RFC 7766).
                    .socketChannelType(transport.socketChannel())
                    .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                    .queryTimeoutMillis(settings.timeout().toMillis())
                    .nameServerProvider(servers)
                    // The hosts file is consulted here, before DNS, with all of a name's addresses.
                    .hostsFileEntriesResolver(NO_HOSTS);
            if (!settings.nameservers().isEmpty()) {
                // Configured nameservers (tests, split set-ups): names are taken as given, no search list.
                b.searchDomains(List.of()).ndots(1);
            }
            resolvers.put(e, b.build());
        }
    }

    /**
     * The addresses of a request's DST.ADDR (RFC 1928 §5): an IPv4 or IPv6 address as it is, a domain
     * name resolved by {@link #resolve(EventLoop, String)}; completes on {@code loop}.
     */
    public Future<List<InetAddress>> resolve(EventLoop loop, SocksAddress address) {
        if (address instanceof SocksAddress.Ipv4 v4) {
            return loop.newSucceededFuture(List.of(v4.address()));
        }
        if (address instanceof SocksAddress.Ipv6 v6) {
            return loop.newSucceededFuture(List.of(v6.address()));
        }
        return resolve(loop, address.host());
    }

    /**
     * Every address of {@code name}, IPv4 first then IPv6, completing on {@code loop}. Fails with
     * {@link UnknownHostException} when the name does not resolve (reply 0x04).
     */
    public Future<List<InetAddress>> resolve(EventLoop loop, String name) {
        InetAddress literal = IpLiteral.parse(name);
        if (literal != null) {
            return loop.newSucceededFuture(List.of(literal));
        }
        List<InetAddress> fromHosts = hosts.get(name.toLowerCase(Locale.ROOT));
        if (fromHosts != null) {
            return loop.newSucceededFuture(fromHosts);
        }
        DnsNameResolver resolver = resolvers.get(loop);
        Promise<List<InetAddress>> result = loop.newPromise();
        resolver.resolveAll(name).addListener((Future<List<InetAddress>> f) -> {
            if (f.isSuccess() && !f.getNow().isEmpty()) {
                result.setSuccess(ipv4First(f.getNow()));
            } else {
                Throwable cause = f.cause();
                UnknownHostException unknown = new UnknownHostException(
                        name + ": " + (cause == null ? "no A or AAAA record" : cause.getMessage()));
                result.setFailure(unknown);
            }
        });
        return result;
    }

    static List<InetAddress> ipv4First(List<InetAddress> addresses) {
        List<InetAddress> v4 = new ArrayList<>(addresses.size());
        List<InetAddress> v6 = new ArrayList<>(2);
        for (InetAddress a : addresses) {
            (a instanceof java.net.Inet4Address ? v4 : v6).add(a);
        }
        v4.addAll(v6);
        return List.copyOf(v4);
    }

    /** Name (lower case) to its IPv4 then IPv6 addresses; empty for an empty path or a missing file. */
    static Map<String, List<InetAddress>> readHosts(String path) {
        if (path == null || path.isEmpty() || !new File(path).isFile()) {
            return Map.of();
        }
        try {
            HostsFileEntriesProvider p = HostsFileEntriesProvider.parser().parse(new File(path), StandardCharsets.UTF_8);
            Map<String, List<InetAddress>> all = new java.util.HashMap<>();
            p.ipv4Entries().forEach((k, v) -> all.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
            p.ipv6Entries().forEach((k, v) -> all.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
            Map<String, List<InetAddress>> out = new java.util.HashMap<>();
            all.forEach((k, v) -> out.put(k, ipv4First(v)));
            return Map.copyOf(out);
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static final HostsFileEntriesResolver NO_HOSTS = (host, types) -> null;

    @Override
    public void close() {
        resolvers.values().forEach(DnsNameResolver::close);
    }

    /** Nameservers as "host:port" or "host" (port 53) into socket addresses, for {@link Settings}. */
    public static InetSocketAddress nameserver(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        boolean hasPort = colon > 0 && (t.indexOf(':') == colon || t.startsWith("["));
        String host = hasPort ? t.substring(0, colon) : t;
        int port = hasPort ? Integer.parseInt(t.substring(colon + 1)) : 53;
        InetAddress address = IpLiteral.parse(host);
        if (address == null) {
            throw new IllegalArgumentException("nameserver must be an IP address with an optional port: " + text);
        }
        return new InetSocketAddress(address, port);
    }
}
