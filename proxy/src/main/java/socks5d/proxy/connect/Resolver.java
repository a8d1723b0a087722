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
                .handle((answer, failure) -> {
                    if (failure != null) {
                        throw new java.util.concurrent.CompletionException(
                                unknownHost(name, failure.getMessage()));
                    }
                    List<InetAddress> addresses = addresses((DnsProtocol.Resolved) answer);
                    if (addresses.isEmpty()) {
                        throw new java.util.concurrent.CompletionException(unknownHost(name, "no A or AAAA record"));
                    }
                    return addresses;
                });
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

    /**
     * An IPv4 dotted quad or an IPv6 literal (optionally in brackets), else {@code null}, which
     * sends the name to DNS. Never looks up: InetAddress.getByName would ask the system resolver,
     * blocking, for a quad that is no address such as {@code 999.1.1.1}, so the quad is parsed
     * here and IPv6 text goes in brackets, where the JDK never falls back to a lookup. An IPv4-mapped
     * IPv6 literal comes back as the {@link Inet4Address} it names.
     */
    static InetAddress literal(String name) {
        String host = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        try {
            if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                String[] parts = host.split("\\.");
                byte[] octets = new byte[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return null;
                    }
                    octets[i] = (byte) octet;
                }
                return InetAddress.getByAddress(octets);
            }
            if (host.indexOf(':') >= 0) {
                InetAddress a = InetAddress.getByName("[" + host + "]");
                return a instanceof Inet4Address || a instanceof Inet6Address ? a : null;
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static UnknownHostException unknownHost(String name, String why) {
        return new UnknownHostException(name + ": " + why);
    }
}
