package socks5d.proxy.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import org.apache.pekko.io.dns.AAAARecord;
import org.apache.pekko.io.dns.ARecord;
import org.apache.pekko.io.dns.CachePolicy;
import org.apache.pekko.io.dns.DnsProtocol;
import org.apache.pekko.io.dns.ResourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import scala.jdk.javaapi.CollectionConverters;

/**
 * Tests of {@link Resolver}'s pure parts: IP literals sent as DOMAINNAME are parsed without a
 * lookup (SPEC §4: no thread blocks on resolution), and resolved records come back IPv4 first.
 * Decision: text that looks like an address but is none ({@code 999.1.1.1}, {@code 1.2.3},
 * {@code fe80::zz}) is not a literal: {@code literal} returns {@code null} and never throws, so
 * the name goes to the async DNS client and, not resolving, gets reply 0x04.
 */
final class ResolverTest {

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // literal: no lookup
    }

    @Test
    void parsesIpv4Literal() throws Exception {
        InetAddress a = Resolver.literal("127.0.0.1");
        assertInstanceOf(Inet4Address.class, a);
        assertEquals(ip("127.0.0.1"), a);
        assertEquals(ip("192.0.2.255"), Resolver.literal("192.0.2.255"));
    }

    @Test
    void parsesIpv6LiteralWithOrWithoutBrackets() throws Exception {
        assertEquals(ip("::1"), assertInstanceOf(Inet6Address.class, Resolver.literal("::1")));
        assertEquals(ip("::1"), assertInstanceOf(Inet6Address.class, Resolver.literal("[::1]")));
        assertEquals(ip("2001:db8::1"), Resolver.literal("2001:DB8:0:0:0:0:0:1"));
        assertEquals(ip("::"), Resolver.literal("::"));
    }

    @Test
    void parsesIpv4MappedLiteralAsTheIpv4AddressItNames() throws Exception {
        InetAddress a = Resolver.literal("::ffff:127.0.0.1");
        assertInstanceOf(Inet4Address.class, a);
        assertEquals(ip("127.0.0.1"), a);
    }

    @Test
    void readsLeadingZerosAsDecimal() throws Exception {
        // Never octal: the proxy dials what it parsed, so no other resolver reads it differently.
        assertEquals(ip("10.1.1.1"), Resolver.literal("010.1.1.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "1.2.3", "999.1.1.1", "256.0.0.1", "1.2.3.4.5",
        "0x7f.0.0.1", "fe80::zz", "abc:def", "1::2::3", "::ffff:999.1.1.1", "[example.com]", "[]", "[", "",
        "fe80::1%nosuchinterface0"})
    void returnsNullForTextThatIsNoLiteral(String name) {
        assertNull(Resolver.literal(name), name);
    }

    @Test
    void listsIpv4BeforeIpv6InDnsOrder() throws Exception {
        CachePolicy.Ttl ttl = CachePolicy.Ttl$.MODULE$.fromPositive(java.time.Duration.ofSeconds(60));
        List<ResourceRecord> records = List.of(
                new AAAARecord("h", ttl, (Inet6Address) ip("2001:db8::1")),
                new ARecord("h", ttl, ip("192.0.2.2")),
                new AAAARecord("h", ttl, (Inet6Address) ip("2001:db8::2")),
                new ARecord("h", ttl, ip("192.0.2.1")));
        DnsProtocol.Resolved resolved = DnsProtocol.Resolved$.MODULE$.apply("h",
                CollectionConverters.asScala(records).toList());
        assertEquals(List.of(ip("192.0.2.2"), ip("192.0.2.1"), ip("2001:db8::1"), ip("2001:db8::2")),
                Resolver.addresses(resolved));
    }
}
