package socks5d.proxy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.typesafe.config.ConfigFactory;

import socks5d.proxy.rules.Ruleset.Cidr;
import socks5d.proxy.rules.Ruleset.Rule;
import socks5d.proxy.rules.Ruleset.Settings;

/**
 * Tests of {@link Ruleset} (docs/protocols/socks5.md, Own listeners and ruleset): own-listener
 * protection under every spelling of a local address, CIDR, host-suffix and port rules, order and
 * default. Addresses are literals (no lookups) and no traffic is sent; 192.0.2.0/24 and
 * 2001:db8::/32 are documentation ranges.
 */
final class RulesetTest {
    static final int MCP = 8080;
    static final int SOCKS = 1080;
    static final Settings ALLOW_ALL = new Settings(true, List.of());

    /** An address from its literal text: parsed, never looked up. */
    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An IPv6 address from its 16 octets that stays an {@link Inet6Address} even when IPv4-mapped. */
    static Inet6Address v6(int... octets) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) octets[i];
        }
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Inet6Address mapped(int a, int b, int c, int d) {
        return v6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d);
    }

    static Rule allow(Cidr cidr, String suffix, Set<Integer> ports) {
        return new Rule(true, cidr, suffix, ports);
    }

    static Rule deny(Cidr cidr, String suffix, Set<Integer> ports) {
        return new Rule(false, cidr, suffix, ports);
    }

    @Nested
    class OwnListeners {
        final InetAddress interfaceAddress = ip("192.0.2.55");
        final Ruleset rules = new Ruleset(ALLOW_ALL, Set.of(MCP, SOCKS), Set.of(interfaceAddress));

        @ParameterizedTest
        @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "0.0.0.0", "::",
            "::ffff:127.0.0.1", "192.0.2.55"})
        void refusesOwnPortsOnEverySpellingOfThisMachine(String literal) {
            InetAddress a = ip(literal);
            assertTrue(rules.isOwnListener(a, MCP), literal);
            assertTrue(rules.isOwnListener(new InetSocketAddress(a, SOCKS)), literal);
            assertFalse(rules.allows(literal, a, MCP), literal);
        }

        @Test
        void refusesIpv4MappedIpv6FormsKeptAsInet6Address() {
            for (Inet6Address a : List.of(mapped(127, 0, 0, 1), mapped(127, 1, 2, 3), mapped(0, 0, 0, 0),
                    mapped(192, 0, 2, 55))) {
                assertTrue(a instanceof Inet6Address);
                assertTrue(rules.isOwnListener(a, MCP), a.toString());
                assertFalse(rules.allows(a.getHostAddress(), a, MCP), a.toString());
            }
        }

        @Test
        void refusesIpv4CompatibleIpv6FormOfLoopback() {
            Inet6Address compatible = v6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1);
            assertTrue(rules.isOwnListener(compatible, MCP));
        }

        @Test
        void refusesAnInterfaceAddressWhateverNameTheClientUsed() {
            assertFalse(rules.allows("innocent.example", interfaceAddress, SOCKS));
        }

        @Test
        void refusesAnInterfaceIpv6AddressWithOrWithoutScope() throws Exception {
            byte[] linkLocal = ip("fe80::1234").getAddress();
            InetAddress scoped = Inet6Address.getByAddress(null, linkLocal, 2);
            Ruleset withV6 = new Ruleset(ALLOW_ALL, Set.of(MCP), Set.of(scoped));
            assertTrue(withV6.isOwnListener(Inet6Address.getByAddress(null, linkLocal, -1), MCP));
            assertTrue(withV6.isOwnListener(scoped, MCP));
        }

        @Test
        void allowsOtherPortsOnThisMachine() {
            assertFalse(rules.isOwnListener(ip("127.0.0.1"), 8081));
            assertTrue(rules.allows("localhost", ip("127.0.0.1"), 8081));
            assertTrue(rules.allows("::1", ip("::1"), 22));
        }

        @Test
        void allowsTheSamePortOnAnotherMachine() {
            assertFalse(rules.isOwnListener(ip("192.0.2.1"), MCP));
            assertTrue(rules.allows("192.0.2.1", ip("192.0.2.1"), MCP));
            assertFalse(rules.isOwnListener(mapped(192, 0, 2, 1), MCP));
            assertTrue(rules.allows("example.org", ip("2001:db8::1"), MCP));
        }

        @Test
        void protectionWinsOverAnAllowRule() {
            Ruleset r = new Ruleset(new Settings(true, List.of(allow(Cidr.parse("0.0.0.0/0"), null, null))),
                    Set.of(MCP), Set.of());
            assertFalse(r.allows("127.0.0.1", ip("127.0.0.1"), MCP));
        }

        @Test
        void publicConstructorReadsTheInterfacesAndStillProtectsLoopback() {
            Ruleset r = new Ruleset(ALLOW_ALL, Set.of(MCP));
            assertTrue(r.isOwnListener(ip("127.0.0.1"), MCP));
            assertTrue(r.isOwnListener(ip("::1"), MCP));
            assertFalse(r.isOwnListener(ip("192.0.2.1"), MCP));
        }
    }

    @Nested
    class Cidrs {
        @Test
        void matchesIpv4Prefixes() {
            assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
            assertTrue(Cidr.parse("10.0.0.0/8").contains(ip("10.255.1.2")));
            assertFalse(Cidr.parse("10.0.0.0/8").contains(ip("11.0.0.0")));
            // /13: 172.16.0.0 - 172.23.255.255
            assertTrue(Cidr.parse("172.16.0.0/13").contains(ip("172.16.0.0")));
            assertTrue(Cidr.parse("172.16.0.0/13").contains(ip("172.23.255.255")));
            assertFalse(Cidr.parse("172.16.0.0/13").contains(ip("172.24.0.0")));
            assertFalse(Cidr.parse("172.16.0.0/13").contains(ip("172.15.255.255")));
            assertTrue(Cidr.parse("192.0.2.7/32").contains(ip("192.0.2.7")));
            assertFalse(Cidr.parse("192.0.2.7/32").contains(ip("192.0.2.6")));
            assertTrue(Cidr.parse("192.0.2.7").contains(ip("192.0.2.7")), "no prefix means a single host");
        }

        @Test
        void matchesIpv6Prefixes() {
            assertTrue(Cidr.parse("::/0").contains(ip("2001:db8::1")));
            assertTrue(Cidr.parse("fd00::/8").contains(ip("fdff:1::1")));
            assertFalse(Cidr.parse("fd00::/8").contains(ip("fe00::1")));
            // /13 of 2001:db8::: the first 13 bits are 0010 0000 0000 0
            assertTrue(Cidr.parse("2001:db8::/13").contains(ip("2007:ffff::1")));
            assertFalse(Cidr.parse("2001:db8::/13").contains(ip("2008::1")));
            assertTrue(Cidr.parse("2001:db8::1/128").contains(ip("2001:db8::1")));
            assertFalse(Cidr.parse("2001:db8::1/128").contains(ip("2001:db8::2")));
        }

        @Test
        void doesNotMixFamiliesButMatchesIpv4MappedAsIpv4() {
            assertFalse(Cidr.parse("::/0").contains(ip("192.0.2.1")));
            assertFalse(Cidr.parse("0.0.0.0/0").contains(ip("2001:db8::1")));
            assertTrue(Cidr.parse("192.0.2.0/24").contains(mapped(192, 0, 2, 200)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "example.com/8",
            "999.0.0.0/8", "1::2::3/64", "10.0.0/8"})
        void rejectsBadBlocks(String text) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        }
    }

    @Nested
    class Rules {
        final InetAddress target = ip("192.0.2.10");

        Ruleset of(boolean defaultAllow, Rule... rules) {
            return new Ruleset(new Settings(defaultAllow, List.of(rules)), Set.of(MCP), Set.of());
        }

        @Test
        void hostSuffixIsCaseInsensitive() {
            Ruleset r = of(true, deny(null, ".Example.ORG", null));
            assertFalse(r.allows("www.EXAMPLE.org", target, 80));
            assertFalse(r.allows("a.b.example.org", target, 80));
            assertTrue(r.allows("example.com", target, 80));
            assertTrue(r.allows("192.0.2.10", target, 80));
        }

        @Test
        void portsMatchOnlyListedPorts() {
            Ruleset r = of(true, deny(null, null, Set.of(25, 465)));
            assertFalse(r.allows("mail.example", target, 25));
            assertFalse(r.allows("mail.example", target, 465));
            assertTrue(r.allows("mail.example", target, 587));
        }

        @Test
        void allConditionsOfARuleMustMatch() {
            Ruleset r = of(true, deny(Cidr.parse("192.0.2.0/24"), ".example", Set.of(25)));
            assertFalse(r.allows("smtp.example", target, 25));
            assertTrue(r.allows("smtp.example", target, 26));
            assertTrue(r.allows("smtp.other", target, 25));
            assertTrue(r.allows("smtp.example", ip("198.51.100.1"), 25));
        }

        @Test
        void firstMatchWins() {
            Ruleset r = of(false,
                    allow(Cidr.parse("192.0.2.10/32"), null, null),
                    deny(Cidr.parse("192.0.2.0/24"), null, null),
                    allow(Cidr.parse("0.0.0.0/0"), null, null));
            assertTrue(r.allows("a", target, 80));
            assertFalse(r.allows("b", ip("192.0.2.11"), 80));
            assertTrue(r.allows("c", ip("198.51.100.1"), 80));
            assertFalse(r.allows("d", ip("2001:db8::1"), 80), "no rule matches IPv6: default deny");
        }

        @Test
        void defaultAppliesWhenNoRuleMatches() {
            assertFalse(of(false).allows("example.org", target, 80));
            assertTrue(of(true).allows("example.org", target, 80));
            assertFalse(of(false, allow(null, ".example.com", null)).allows("example.org", target, 80));
        }

        @Test
        void cidrRulesSeeIpv4MappedDestinationsAsIpv4() {
            Ruleset r = of(true, deny(Cidr.parse("192.0.2.0/24"), null, null));
            assertFalse(r.allows("::ffff:192.0.2.10", mapped(192, 0, 2, 10), 80));
        }
    }

    @Nested
    class FromConfig {
        @Test
        void readsDefaultAndRulesInOrder() {
            Settings s = Settings.fromConfig(ConfigFactory.parseString("""
                    default = DENY
                    list = [
                      { action = allow, cidr = "10.0.0.0/8", ports = [80, 443] }
                      { action = Deny, host-suffix = ".Example.org" }
                      { action = allow }
                    ]
                    """));
            assertFalse(s.defaultAllow());
            assertEquals(3, s.rules().size());
            Rule first = s.rules().get(0);
            assertTrue(first.allow());
            assertEquals(8, first.cidr().prefix());
            assertEquals(Set.of(80, 443), first.ports());
            assertEquals(null, first.hostSuffix());
            Rule second = s.rules().get(1);
            assertFalse(second.allow());
            assertEquals(".example.org", second.hostSuffix());
            assertEquals(null, second.cidr());
            assertTrue(second.ports().isEmpty());

            Ruleset r = new Ruleset(s, Set.of(MCP), Set.of());
            assertTrue(r.allows("x", ip("10.1.2.3"), 443));
            assertFalse(r.allows("www.example.org", ip("192.0.2.1"), 443));
            assertTrue(r.allows("www.example.com", ip("192.0.2.1"), 443));
        }

        @Test
        void readsTheEmptyReferenceDefaults() {
            Settings s = Settings.fromConfig(ConfigFactory.parseString("default = allow\nlist = []"));
            assertTrue(s.defaultAllow());
            assertTrue(s.rules().isEmpty());
        }

        @Test
        void rejectsABadAction() {
            assertThrows(IllegalArgumentException.class, () -> Settings.fromConfig(ConfigFactory.parseString(
                    "default = allow\nlist = [ { action = permit } ]")));
        }

        @Test
        void rejectsABadDefault() {
            assertThrows(IllegalArgumentException.class, () -> Settings.fromConfig(ConfigFactory.parseString(
                    "default = maybe\nlist = []")));
        }

        @Test
        void rejectsABadCidr() {
            assertThrows(IllegalArgumentException.class, () -> Settings.fromConfig(ConfigFactory.parseString(
                    "default = allow\nlist = [ { action = deny, cidr = \"10.0.0.0/40\" } ]")));
        }
    }

    @Test
    void canonicalTurnsMappedFormsIntoIpv4AndKeepsTheRest() {
        assertEquals(ip("127.0.0.1"), Ruleset.canonical(mapped(127, 0, 0, 1)));
        assertTrue(Ruleset.canonical(mapped(127, 0, 0, 1)) instanceof Inet4Address);
        assertEquals(ip("::1"), Ruleset.canonical(ip("::1")));
        assertEquals(ip("::"), Ruleset.canonical(ip("::")));
        assertEquals(ip("2001:db8::1"), Ruleset.canonical(ip("2001:db8::1")));
    }
}
