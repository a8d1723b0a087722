package socks5d.proxy.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import socks5d.testkit.props.TextArbitraries;

/**
 * jqwik generators of valid SOCKS5 messages: every record a compact constructor
 * accepts, with names of 1 to 255 octets, IPv4, IPv6 and domain addresses, every port, and every
 * command, method and reply code. Shared by the codec and handshake property tests. Pure.
 */
public final class Socks5Arbitraries {
    private Socks5Arbitraries() {
    }

    public static Arbitrary<ClientMessage> clientMessages() {
        return Arbitraries.oneOf(greetings(), userPasses(), requests());
    }

    public static Arbitrary<ServerMessage> serverMessages() {
        return Arbitraries.oneOf(methodSelections(), replies(), Arbitraries.of(UserPassReply.SUCCESS, UserPassReply.FAILURE));
    }

    public static Arbitrary<Greeting> greetings() {
        return octet().list().ofMaxSize(Socks5Codec.MAX_METHODS).map(Greeting::new);
    }

    public static Arbitrary<UserPassRequest> userPasses() {
        return Combinators.combine(TextArbitraries.utf8(Socks5Codec.OCTET_MAX), TextArbitraries.utf8(Socks5Codec.OCTET_MAX))
                .as(UserPassRequest::new);
    }

    /** Every CMD octet, known or not (the handshake, not the codec, answers 0x07). */
    public static Arbitrary<Request> requests() {
        return Combinators.combine(octet(), addresses(), ports()).as((cmd, a, p) -> new Request(cmd, a, p));
    }

    public static Arbitrary<MethodSelection> methodSelections() {
        return Arbitraries.of(AuthMethod.class).filter(m -> m != AuthMethod.OTHER).map(MethodSelection::new);
    }

    public static Arbitrary<Reply> replies() {
        return Combinators.combine(Arbitraries.of(ReplyCode.class), addresses(), ports()).as(Reply::new);
    }

    public static Arbitrary<SocksAddress> addresses() {
        Arbitrary<SocksAddress> v4 = octets(SocksAddress.IPV4_LENGTH).map(b -> new SocksAddress.Ipv4(SocksAddress.ipv4(b)));
        Arbitrary<SocksAddress> v6 = octets(SocksAddress.IPV6_LENGTH).map(b -> new SocksAddress.Ipv6(SocksAddress.ipv6(b)));
        Arbitrary<SocksAddress> name = TextArbitraries.latin1(SocksAddress.MAX_DOMAIN_LENGTH).map(SocksAddress.DomainName::new);
        return Arbitraries.oneOf(v4, v6, name);
    }

    public static Arbitrary<Integer> ports() {
        return Arbitraries.integers().between(0, Socks5Codec.PORT_MAX);
    }

    public static Arbitrary<Integer> octet() {
        return Arbitraries.integers().between(0, Socks5Codec.OCTET_MAX);
    }

    public static Arbitrary<byte[]> octets(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n);
    }
}
