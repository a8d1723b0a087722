package socks5d.proxy.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link Resolver}'s pure parts: IP literals sent as DOMAINNAME are parsed without a
 * lookup (no thread blocks on resolution), answers come back IPv4 first, the hosts file is read
 * with every address of a name, and nameservers are parsed.
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
        InetAddress a = IpLiteral.parse("127.0.0.1");
        assertInstanceOf(Inet4Address.class, a);
        assertEquals(ip("127.0.0.1"), a);
        assertEquals(ip("192.0.2.255"), IpLiteral.parse("192.0.2.255"));
    }

    @Test
    void parsesIpv6LiteralWithOrWithoutBrackets() throws Exception {
        assertEquals(ip("::1"), assertInstanceOf(Inet6Address.class, IpLiteral.parse("::1")));
        assertEquals(ip("::1"), assertInstanceOf(Inet6Address.class, IpLiteral.parse("[::1]")));
        assertEquals(ip("2001:db8::1"), IpLiteral.parse("2001:DB8:0:0:0:0:0:1"));
        assertEquals(ip("::"), IpLiteral.parse("::"));
    }

    @Test
    void parsesIpv4MappedLiteralAsTheIpv4AddressItNames() throws Exception {
        InetAddress a = IpLiteral.parse("::ffff:127.0.0.1");
        assertInstanceOf(Inet4Address.class, a);
        assertEquals(ip("127.0.0.1"), a);
    }

    @Test
    void readsLeadingZerosAsDecimal() throws Exception {
        // Never octal: the proxy dials what it parsed, so no other resolver reads it differently.
        assertEquals(ip("10.1.1.1"), IpLiteral.parse("010.1.1.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "1.2.3", "999.1.1.1", "256.0.0.1", "1.2.3.4.5",
        "0x7f.0.0.1", "fe80::zz", "abc:def", "1::2::3", "::ffff:999.1.1.1", "[example.com]", "[]", "[", "",
        "fe80::1%nosuchinterface0"})
    void returnsNullForTextThatIsNoLiteral(String name) {
        assertNull(IpLiteral.parse(name), name);
    }

    @Test
    void listsIpv4BeforeIpv6InDnsOrder() throws Exception {
        List<InetAddress> answer = List.of(ip("2001:db8::1"), ip("192.0.2.2"), ip("2001:db8::2"), ip("192.0.2.1"));
        assertEquals(List.of(ip("192.0.2.2"), ip("192.0.2.1"), ip("2001:db8::1"), ip("2001:db8::2")),
                Resolver.ipv4First(answer));
    }

    @Test
    void readsEveryAddressOfANameFromAHostsFile(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, String.join("\n",
                "# comment",
                "127.0.0.1 localhost",
                "::1 multi.test",
                "127.0.0.7 Multi.Test other.test",
                "127.0.0.8 multi.test",
                ""));
        Map<String, List<InetAddress>> entries = Resolver.readHosts(hosts.toString());
        assertEquals(List.of(ip("127.0.0.7"), ip("127.0.0.8"), ip("::1")), entries.get("multi.test"));
        assertEquals(List.of(ip("127.0.0.7")), entries.get("other.test"));
    }

    @Test
    void readsNoHostsWhenThePathIsEmptyOrMissing(@TempDir Path dir) {
        assertEquals(Map.of(), Resolver.readHosts(""));
        assertEquals(Map.of(), Resolver.readHosts(dir.resolve("absent").toString()));
    }

    @Test
    void parsesNameserversWithAndWithoutPort() throws Exception {
        assertEquals(new InetSocketAddress(ip("127.0.0.1"), 5353), Resolver.nameserver("127.0.0.1:5353"));
        assertEquals(new InetSocketAddress(ip("127.0.0.1"), 53), Resolver.nameserver("127.0.0.1"));
        assertEquals(new InetSocketAddress(ip("::1"), 5353), Resolver.nameserver("[::1]:5353"));
        assertEquals(new InetSocketAddress(ip("::1"), 53), Resolver.nameserver("::1"));
    }
}
