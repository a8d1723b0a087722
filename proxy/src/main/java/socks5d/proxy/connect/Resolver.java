package socks5d.proxy.connect;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.io.Dns;
import org.apache.pekko.io.dns.AAAARecord;
import org.apache.pekko.io.dns.ARecord;
import org.apache.pekko.io.dns.DnsProtocol;
import org.apache.pekko.io.dns.ResourceRecord;
import org.apache.pekko.pattern.Patterns;

/**
 * Resolves a DOMAINNAME request (RFC 1928 §5 X'03') to every IPv4 and IPv6 address without
 * blocking a thread: Pekko's async DNS client (configured by {@code pekko.io.dns}, including its
 * nameservers, so tests point it at a loopback DNS server). IP literals sent as names are parsed
 * locally and never looked up. Thread-safe; holds only the DNS manager's reference.
 */
public final class Resolver {
    private final ActorRef dnsManager;
    private final Duration timeout;

    public Resolver(ClassicActorSystemProvider system, Duration timeout) {
        this.dnsManager = Dns.get(system.classicSystem()).manager();
        this.timeout = timeout;
    }

    /**
     * Every address of {@code name}, IPv4 first then IPv6, as the DNS returned them. Completes
     * with {@link UnknownHostException} when the name does not resolve (reply 0x04).
     */
    public CompletionStage<List<InetAddress>> resolve(String name) {
        InetAddress literal = literal(name);
        if (literal != null) {
            return CompletableFuture.completedFuture(List.of(literal));
        }
        return Patterns.ask(dnsManager, DnsProtocol.resolve(name, DnsProtocol.ipRequestType(true, true)), timeout)
                .handleAsync((answer, failure) -> {
                    if (failure != null) {
                        throw new java.util.concurrent.CompletionException(
                                unknownHost(name, failure.getMessage()));
                    }
                    List<InetAddress> addresses = addresses((DnsProtocol.Resolved) answer);
                    if (addresses.isEmpty()) {
                        throw new java.util.concurrent.CompletionException(unknownHost(name, "no A or AAAA record"));
                    }
                    return addresses;
                }, Runnable::run); // on the DNS reply's thread: plain handle() would start a thread on a 2-core machine
    }

    static List<InetAddress> addresses(DnsProtocol.Resolved resolved) {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (ResourceRecord r : resolved.getRecords()) {
            if (r instanceof ARecord a) {
                v4.add(a.ip());
            } else if (r instanceof AAAARecord aaaa) {
                v6.add(aaaa.ip());
            }
        }
        v4.addAll(v6);
        return v4;
    }

    /** See {@link IpLiteral#parse}; kept for the resolver's callers and tests. */
    static InetAddress literal(String name) {
        return IpLiteral.parse(name);
    }

    private static UnknownHostException unknownHost(String name, String why) {
        return new UnknownHostException(name + ": " + why);
    }
}
