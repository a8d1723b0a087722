package socks5d.proxy.wire;

import socks5d.wire.Decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-exact tests of {@link Socks5Codec} against RFC 1928 and RFC 1929. Every decode case runs
 * four ways through {@link #decodesFourWays(Case)}; encoders are checked against literal bytes.
 */
final class Socks5CodecTest {

    // ---- the four-way decode helper ----

    /** What the whole frame must decode to: a value, or Invalid. */
    sealed interface Expected permits Value, Rejected {
    }

    record Value(Object value) implements Expected {
    }

    record Rejected() implements Expected {
    }

    /**
     * One decode case: a decoder, the frame's bytes, what they decode to, and the bytes of the next
     * message a client or server may pipeline after it.
     */
    record Case(String name, Function<ByteString, Decoded<?>> decoder, ByteString frame, Expected expected,
            ByteString next) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, Function<ByteString, Decoded<?>> decoder, ByteString frame, Object value,
            ByteString next) {
        return new Case(name, decoder, frame, new Value(value), next);
    }

    static Case invalid(String name, Function<ByteString, Decoded<?>> decoder, ByteString frame, ByteString next) {
        return new Case(name, decoder, frame, new Rejected(), next);
    }

    /**
     * Runs one case four ways: all at once; split at every offset (the prefix alone, then the
     * prefix and the remainder as two chunks); byte by byte; and followed by the next message.
     * For an Ok case every proper prefix is NeedMore; for an Invalid case a prefix is NeedMore
     * until the offending byte arrives and Invalid from then on, and never Ok.
     */
    static void decodesFourWays(Case c) {
        ByteString frame = c.frame();
        assertFalse(c.next().isEmpty(), "a case needs a next message to pipeline");

        // 1. all at once
        check(c, frame, ByteString.emptyByteString(), "all at once");

        // 2. split at every offset
        for (int at = 1; at < frame.size(); at++) {
            ByteString prefix = frame.take(at);
            checkPrefix(c, prefix, "prefix of " + at + " octets");
            check(c, prefix.concat(frame.drop(at)), ByteString.emptyByteString(), "split at " + at);
        }

        // 3. byte by byte
        ByteString received = ByteString.emptyByteString();
        boolean rejected = false;
        for (int i = 0; i < frame.size(); i++) {
            Decoded<?> d = c.decoder().apply(received);
            if (rejected) {
                assertInstanceOf(Decoded.Invalid.class, d, c + ": stays Invalid after " + i + " octets " + show(received));
            } else {
                rejected = checkPrefix(c, received, "byte by byte, " + i + " octets");
            }
            received = received.concat(frame.slice(i, i + 1));
        }
        check(c, received, ByteString.emptyByteString(), "byte by byte, complete");

        // 4. followed by the next pipelined message
        check(c, frame.concat(c.next()), c.next(), "pipelined");
    }

    /** A proper prefix: NeedMore for an Ok case; NeedMore or Invalid for an Invalid case. Returns whether Invalid. */
    private static boolean checkPrefix(Case c, ByteString prefix, String how) {
        Decoded<?> d = c.decoder().apply(prefix);
        if (c.expected() instanceof Rejected && d instanceof Decoded.Invalid) {
            return true;
        }
        assertInstanceOf(Decoded.NeedMore.class, d, c + ", " + how + ": " + show(prefix) + " -> " + d);
        return false;
    }

    private static void check(Case c, ByteString input, ByteString expectedRest, String how) {
        Decoded<?> d = c.decoder().apply(input);
        String where = c + ", " + how + ": " + show(input) + " -> " + d;
        if (c.expected() instanceof Value v) {
            Decoded.Ok<?> ok = assertInstanceOf(Decoded.Ok.class, d, where);
            assertEquals(v.value(), ok.value(), where);
            assertEquals(show(expectedRest), show(ok.rest()), where + ": rest");
        } else {
            assertInstanceOf(Decoded.Invalid.class, d, where);
        }
    }

    // ---- shared bytes and values ----

    /** {@code n} copies of one hex octet, for long fields inside hex(...) text. */
    static String times(int n, String octet) {
        return String.join(" ", java.util.Collections.nCopies(n, octet));
    }

    static Inet4Address v4(String literal) {
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Inet6Address v6(String literal) {
        try {
            return (Inet6Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static final Function<ByteString, Decoded<?>> GREETING = Socks5Codec::decodeGreeting;
    static final Function<ByteString, Decoded<?>> USERPASS = Socks5Codec::decodeUserPass;
    static final Function<ByteString, Decoded<?>> REQUEST = Socks5Codec::decodeRequest;
    static final Function<ByteString, Decoded<?>> METHOD_SELECTION = Socks5ClientCodec::decodeMethodSelection;
    static final Function<ByteString, Decoded<?>> REPLY = Socks5ClientCodec::decodeReply;

    /** A username/password request: what a client pipelines after its greeting. */
    static final ByteString NEXT_USERPASS = hex("""
            01              # VER
            01              # ULEN
            75              # UNAME "u"
            01              # PLEN
            70              # PASSWD "p"
            """);

    /** A CONNECT request: what a client pipelines after authenticating. */
    static final ByteString NEXT_REQUEST = hex("""
            05              # VER
            01              # CMD CONNECT
            00              # RSV
            01              # ATYP IPv4
            7f 00 00 01     # DST.ADDR 127.0.0.1
            00 50           # DST.PORT 80
            """);

    /** Application payload: what a client pipelines after its request. */
    static final ByteString NEXT_PAYLOAD = hex("""
            47 45 54 20     # "GET " (relayed payload)
            """);

    /** A username/password reply: what follows a method selection of X'02'. */
    static final ByteString NEXT_USERPASS_REPLY = hex("""
            01              # VER
            00              # STATUS success
            """);

    // ---- RFC 1928 §3: version identifier/method selection ----

    @Nested
    class Rfc1928Section3Greeting {
        static Stream<Case> greetings() {
            return Stream.of(
                    ok("one method, NO AUTHENTICATION REQUIRED", GREETING, hex("""
                            05          # VER
                            01          # NMETHODS
                            00          # METHODS
                            """), new Greeting(List.of(0x00)), NEXT_REQUEST),
                    ok("two methods, no-auth and USERNAME/PASSWORD", GREETING, hex("""
                            05          # VER
                            02          # NMETHODS
                            00 02       # METHODS
                            """), new Greeting(List.of(0x00, 0x02)), NEXT_USERPASS),
                    ok("NMETHODS 0 is an empty list", GREETING, hex("""
                            05          # VER
                            00          # NMETHODS
                            """), new Greeting(List.of()), NEXT_USERPASS),
                    ok("unknown methods are kept in order", GREETING, hex("""
                            05          # VER
                            04          # NMETHODS
                            80 fe 03 02 # METHODS: private, private, IANA-assigned, USERNAME/PASSWORD
                            """), new Greeting(List.of(0x80, 0xFE, 0x03, 0x02)), NEXT_USERPASS),
                    ok("255 methods, the longest greeting", GREETING, hex("""
                            05          # VER
                            ff          # NMETHODS
                            %s          # METHODS 00..fe
                            """.formatted(IntStream.range(0, 255).mapToObj(i -> String.format("%02x", i))
                                    .collect(Collectors.joining(" ")))),
                            new Greeting(IntStream.range(0, 255).boxed().toList()), NEXT_USERPASS),
                    invalid("VER 4 (a SOCKS4 request) is Invalid", GREETING, hex("""
                            04          # VER (SOCKS4)
                            01          # CD CONNECT
                            00 50       # DSTPORT
                            7f 00 00 01 # DSTIP
                            00          # USERID terminator
                            """), NEXT_USERPASS),
                    invalid("VER 4 with a SOCKS5-shaped body is Invalid", GREETING, hex("""
                            04          # VER
                            01          # NMETHODS
                            00          # METHODS
                            """), NEXT_USERPASS),
                    invalid("VER 0 is Invalid", GREETING, hex("""
                            00          # VER
                            """), NEXT_USERPASS));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("greetings")
        void decodes(Case c) {
            decodesFourWays(c);
        }

        @Test
        void longestGreetingIsMaxGreetingOctets() {
            assertEquals(257, Socks5Codec.MAX_GREETING, "VER + NMETHODS + 255 METHODS");
        }

        @Test
        void encodesGreeting() {
            assertEquals(show(hex("""
                    05          # VER
                    02          # NMETHODS
                    00 02       # METHODS
                    """)), show(Socks5ClientCodec.encode(new Greeting(List.of(0x00, 0x02)))));
        }

        @Test
        void encodesEmptyGreeting() {
            assertEquals(show(hex("""
                    05          # VER
                    00          # NMETHODS
                    """)), show(Socks5ClientCodec.encode(new Greeting(List.of()))));
        }

        @Test
        void greetingOffersOnlyListedMethods() {
            Greeting g = new Greeting(List.of(0x02, 0x80));
            assertTrue(g.offers(AuthMethod.USERNAME_PASSWORD));
            assertFalse(g.offers(AuthMethod.NO_AUTHENTICATION_REQUIRED));
        }

        @Test
        void greetingWithMoreThan255MethodsCannotBeConstructed() {
            List<Integer> methods = IntStream.range(0, 256).map(i -> i & 0xFF).boxed().toList();
            assertThrows(IllegalArgumentException.class, () -> new Greeting(methods));
        }

        @Test
        void greetingMethodOutsideOneOctetCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new Greeting(List.of(256)));
            assertThrows(IllegalArgumentException.class, () -> new Greeting(List.of(-1)));
        }

        static Stream<Case> methodSelections() {
            return Stream.of(
                    ok("X'00' NO AUTHENTICATION REQUIRED", METHOD_SELECTION, hex("""
                            05          # VER
                            00          # METHOD
                            """), new MethodSelection(AuthMethod.NO_AUTHENTICATION_REQUIRED), NEXT_REQUEST),
                    ok("X'02' USERNAME/PASSWORD", METHOD_SELECTION, hex("""
                            05          # VER
                            02          # METHOD
                            """), new MethodSelection(AuthMethod.USERNAME_PASSWORD), NEXT_USERPASS_REPLY),
                    ok("X'FF' NO ACCEPTABLE METHODS", METHOD_SELECTION, hex("""
                            05          # VER
                            ff          # METHOD
                            """), new MethodSelection(AuthMethod.NO_ACCEPTABLE_METHODS), NEXT_PAYLOAD),
                    invalid("an unknown selected method is Invalid", METHOD_SELECTION, hex("""
                            05          # VER
                            80          # METHOD (private, never offered)
                            """), NEXT_PAYLOAD),
                    invalid("VER 4 is Invalid", METHOD_SELECTION, hex("""
                            04          # VER
                            00          # METHOD
                            """), NEXT_PAYLOAD));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("methodSelections")
        void decodesMethodSelection(Case c) {
            decodesFourWays(c);
        }

        @Test
        void encodesNoAuthenticationRequired() {
            assertEquals(show(hex("""
                    05          # VER
                    00          # METHOD NO AUTHENTICATION REQUIRED
                    """)), show(Socks5Codec.encode(new MethodSelection(AuthMethod.NO_AUTHENTICATION_REQUIRED))));
        }

        @Test
        void encodesGssapi() {
            assertEquals(show(hex("""
                    05          # VER
                    01          # METHOD GSSAPI
                    """)), show(Socks5Codec.encode(new MethodSelection(AuthMethod.GSSAPI))));
        }

        @Test
        void encodesUsernamePassword() {
            assertEquals(show(hex("""
                    05          # VER
                    02          # METHOD USERNAME/PASSWORD
                    """)), show(Socks5Codec.encode(new MethodSelection(AuthMethod.USERNAME_PASSWORD))));
        }

        @Test
        void encodesNoAcceptableMethods() {
            assertEquals(show(hex("""
                    05          # VER
                    ff          # METHOD NO ACCEPTABLE METHODS
                    """)), show(Socks5Codec.encode(new MethodSelection(AuthMethod.NO_ACCEPTABLE_METHODS))));
        }

        @Test
        void selectingAnUnimplementedMethodCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new MethodSelection(AuthMethod.OTHER));
        }

        @Test
        void unknownMethodCodesNameOther() {
            assertEquals(AuthMethod.OTHER, AuthMethod.fromCode(0x80));
            assertEquals(AuthMethod.OTHER, AuthMethod.fromCode(0x03));
            assertEquals(AuthMethod.NO_ACCEPTABLE_METHODS, AuthMethod.fromCode(0xFF));
        }
    }

    // ---- RFC 1929 §2: username/password sub-negotiation ----

    @Nested
    class Rfc1929Section2UsernamePassword {
        static Stream<Case> requests() {
            return Stream.of(
                    ok("alice / secret", USERPASS, hex("""
                            01                  # VER
                            05                  # ULEN
                            61 6c 69 63 65      # UNAME "alice"
                            06                  # PLEN
                            73 65 63 72 65 74   # PASSWD "secret"
                            """), new UserPassRequest("alice", "secret"), NEXT_REQUEST),
                    ok("one-octet name and password", USERPASS, hex("""
                            01                  # VER
                            01                  # ULEN
                            75                  # UNAME "u"
                            01                  # PLEN
                            70                  # PASSWD "p"
                            """), new UserPassRequest("u", "p"), NEXT_REQUEST),
                    ok("UTF-8 name counts octets, not characters", USERPASS, hex("""
                            01                  # VER
                            05                  # ULEN
                            c3 a9 74 c3 a9      # UNAME "été"
                            02                  # PLEN
                            70 77               # PASSWD "pw"
                            """), new UserPassRequest("été", "pw"), NEXT_REQUEST),
                    ok("255-octet name and password, the longest request", USERPASS, hex("""
                            01                  # VER
                            ff                  # ULEN
                            %s                  # UNAME 255 x "u"
                            ff                  # PLEN
                            %s                  # PASSWD 255 x "p"
                            """.formatted(times(255, "75"), times(255, "70"))),
                            new UserPassRequest("u".repeat(255), "p".repeat(255)), NEXT_REQUEST),
                    invalid("VER 5 (a SOCKS request instead) is Invalid", USERPASS, hex("""
                            05                  # VER
                            01                  # ULEN
                            75                  # UNAME
                            01                  # PLEN
                            70                  # PASSWD
                            """), NEXT_REQUEST),
                    invalid("VER 0 is Invalid", USERPASS, hex("""
                            00                  # VER
                            """), NEXT_REQUEST),
                    invalid("VER 2 is Invalid", USERPASS, hex("""
                            02                  # VER
                            01                  # ULEN
                            75                  # UNAME
                            01                  # PLEN
                            70                  # PASSWD
                            """), NEXT_REQUEST),
                    invalid("ULEN 0 is Invalid", USERPASS, hex("""
                            01                  # VER
                            00                  # ULEN
                            01                  # PLEN
                            70                  # PASSWD
                            """), NEXT_REQUEST),
                    invalid("PLEN 0 is Invalid", USERPASS, hex("""
                            01                  # VER
                            05                  # ULEN
                            61 6c 69 63 65      # UNAME "alice"
                            00                  # PLEN
                            """), NEXT_REQUEST),
                    invalid("255 octets that are not UTF-8 are Invalid", USERPASS, hex("""
                            01                  # VER
                            ff                  # ULEN
                            %s                  # UNAME 255 x ff (each decodes to a 3-octet U+FFFD)
                            01                  # PLEN
                            70                  # PASSWD
                            """.formatted(times(255, "ff"))), NEXT_REQUEST));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("requests")
        void decodes(Case c) {
            decodesFourWays(c);
        }

        @Test
        void longestRequestIsMaxUserPassOctets() {
            assertEquals(513, Socks5Codec.MAX_USERPASS, "VER + ULEN + 255 + PLEN + 255");
        }

        @Test
        void encodesSuccess() {
            assertEquals(show(hex("""
                    01          # VER
                    00          # STATUS success
                    """)), show(Socks5Codec.encode(UserPassReply.SUCCESS)));
        }

        @Test
        void encodesFailure() {
            assertEquals(show(hex("""
                    01          # VER
                    01          # STATUS failure
                    """)), show(Socks5Codec.encode(UserPassReply.FAILURE)));
        }

        @Test
        void encodesRequest() {
            assertEquals(show(hex("""
                    01                  # VER
                    05                  # ULEN
                    61 6c 69 63 65      # UNAME "alice"
                    06                  # PLEN
                    73 65 63 72 65 74   # PASSWD "secret"
                    """)), show(Socks5ClientCodec.encode(new UserPassRequest("alice", "secret"))));
        }

        @Test
        void emptyNameCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new UserPassRequest("", "secret"));
        }

        @Test
        void emptyPasswordCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new UserPassRequest("alice", ""));
        }

        @Test
        void name256OctetsCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new UserPassRequest("u".repeat(256), "p"));
            // 128 x "é" is 128 characters but 256 UTF-8 octets
            assertThrows(IllegalArgumentException.class, () -> new UserPassRequest("é".repeat(128), "p"));
        }

        @Test
        void password256OctetsCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new UserPassRequest("u", "p".repeat(256)));
        }

        @Test
        void toStringHidesPassword() {
            assertFalse(new UserPassRequest("alice", "secret").toString().contains("secret"));
        }
    }

    // ---- RFC 1928 §4 requests and §5 addressing ----

    @Nested
    class Rfc1928Section4Request {
        static Stream<Case> requests() {
            return Stream.of(
                    ok("CONNECT 127.0.0.1:80", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            01                  # ATYP IPv4
                            7f 00 00 01         # DST.ADDR 127.0.0.1
                            00 50               # DST.PORT 80
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Ipv4(v4("127.0.0.1")), 80),
                            NEXT_PAYLOAD),
                    ok("CONNECT [2001:db8::1]:443", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            04                  # ATYP IPv6
                            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR 2001:db8::1
                            01 bb               # DST.PORT 443
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Ipv6(v6("2001:db8::1")), 443),
                            NEXT_PAYLOAD),
                    ok("CONNECT example.com:443", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            03                  # ATYP DOMAINNAME
                            0b                  # DST.ADDR length 11
                            65 78 61 6d 70 6c 65 2e 63 6f 6d  # DST.ADDR "example.com"
                            01 bb               # DST.PORT 443
                            """), new Request(CommandCode.CONNECT, new SocksAddress.DomainName("example.com"), 443),
                            NEXT_PAYLOAD),
                    ok("one-octet domain name", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            03                  # ATYP DOMAINNAME
                            01                  # DST.ADDR length 1
                            78                  # DST.ADDR "x"
                            00 50               # DST.PORT 80
                            """), new Request(CommandCode.CONNECT, new SocksAddress.DomainName("x"), 80),
                            NEXT_PAYLOAD),
                    ok("255-octet domain and port 65535, the longest request", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            03                  # ATYP DOMAINNAME
                            ff                  # DST.ADDR length 255
                            %s                  # DST.ADDR 255 x "a"
                            ff ff               # DST.PORT 65535
                            """.formatted(times(255, "61"))),
                            new Request(CommandCode.CONNECT, new SocksAddress.DomainName("a".repeat(255)), 65535),
                            NEXT_PAYLOAD),
                    ok("port 0", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            01                  # ATYP IPv4
                            0a 00 00 01         # DST.ADDR 10.0.0.1
                            00 00               # DST.PORT 0
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Ipv4(v4("10.0.0.1")), 0),
                            NEXT_PAYLOAD),
                    ok("port 65535", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            01                  # ATYP IPv4
                            0a 00 00 01         # DST.ADDR 10.0.0.1
                            ff ff               # DST.PORT 65535
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Ipv4(v4("10.0.0.1")), 65535),
                            NEXT_PAYLOAD),
                    ok("BIND", REQUEST, hex("""
                            05                  # VER
                            02                  # CMD BIND
                            00                  # RSV
                            01                  # ATYP IPv4
                            c0 00 02 01         # DST.ADDR 192.0.2.1
                            00 15               # DST.PORT 21
                            """), new Request(CommandCode.BIND, new SocksAddress.Ipv4(v4("192.0.2.1")), 21),
                            NEXT_PAYLOAD),
                    ok("UDP ASSOCIATE from 0.0.0.0:0", REQUEST, hex("""
                            05                  # VER
                            03                  # CMD UDP ASSOCIATE
                            00                  # RSV
                            01                  # ATYP IPv4
                            00 00 00 00         # DST.ADDR 0.0.0.0
                            00 00               # DST.PORT 0
                            """), new Request(CommandCode.UDP_ASSOCIATE, new SocksAddress.Ipv4(v4("0.0.0.0")), 0),
                            NEXT_PAYLOAD),
                    ok("unknown CMD 0x04 decodes", REQUEST, hex("""
                            05                  # VER
                            04                  # CMD (unassigned)
                            00                  # RSV
                            01                  # ATYP IPv4
                            7f 00 00 01         # DST.ADDR 127.0.0.1
                            00 50               # DST.PORT 80
                            """), new Request(0x04, new SocksAddress.Ipv4(v4("127.0.0.1")), 80), NEXT_PAYLOAD),
                    ok("unknown CMD 0xFF decodes", REQUEST, hex("""
                            05                  # VER
                            ff                  # CMD (unassigned)
                            00                  # RSV
                            03                  # ATYP DOMAINNAME
                            01                  # DST.ADDR length 1
                            78                  # DST.ADDR "x"
                            00 50               # DST.PORT 80
                            """), new Request(0xFF, new SocksAddress.DomainName("x"), 80), NEXT_PAYLOAD),
                    ok("non-zero RSV is ignored", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            ff                  # RSV (should be X'00')
                            01                  # ATYP IPv4
                            7f 00 00 01         # DST.ADDR 127.0.0.1
                            00 50               # DST.PORT 80
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Ipv4(v4("127.0.0.1")), 80),
                            NEXT_PAYLOAD),
                    ok("unknown ATYP 0x02 decodes as Unsupported", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            02                  # ATYP (unassigned)
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Unsupported(0x02), 0),
                            NEXT_PAYLOAD),
                    ok("unknown ATYP 0x05 decodes as Unsupported", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            05                  # ATYP (unassigned)
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Unsupported(0x05), 0),
                            NEXT_PAYLOAD),
                    ok("unknown ATYP 0x00 decodes as Unsupported", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            00                  # ATYP (unassigned)
                            """), new Request(CommandCode.CONNECT, new SocksAddress.Unsupported(0x00), 0),
                            NEXT_PAYLOAD),
                    invalid("VER 4 is Invalid", REQUEST, hex("""
                            04                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            01                  # ATYP IPv4
                            7f 00 00 01         # DST.ADDR
                            00 50               # DST.PORT
                            """), NEXT_PAYLOAD),
                    invalid("VER 1 (a username/password request) is Invalid", REQUEST, hex("""
                            01                  # VER
                            01                  # ULEN
                            75                  # UNAME
                            01                  # PLEN
                            70                  # PASSWD
                            """), NEXT_PAYLOAD),
                    invalid("domain length 0 is Invalid", REQUEST, hex("""
                            05                  # VER
                            01                  # CMD CONNECT
                            00                  # RSV
                            03                  # ATYP DOMAINNAME
                            00                  # DST.ADDR length 0
                            00 50               # DST.PORT 80
                            """), NEXT_PAYLOAD));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("requests")
        void decodes(Case c) {
            decodesFourWays(c);
        }

        @Test
        void ipv4MappedIpv6StaysIpv6() {
            ByteString frame = hex("""
                    05                  # VER
                    01                  # CMD CONNECT
                    00                  # RSV
                    04                  # ATYP IPv6
                    00 00 00 00 00 00 00 00 00 00 ff ff 7f 00 00 01  # DST.ADDR ::ffff:127.0.0.1
                    1f 90               # DST.PORT 8080
                    """);
            Decoded.Ok<?> ok = assertInstanceOf(Decoded.Ok.class, Socks5Codec.decodeRequest(frame));
            Request r = (Request) ok.value();
            SocksAddress.Ipv6 a = assertInstanceOf(SocksAddress.Ipv6.class, r.address());
            assertEquals(SocksAddress.ATYP_IPV6, a.atyp());
            assertEquals("::ffff:127.0.0.1", a.host(), "RFC 5952 text, as the access log writes it");
            assertEquals(show(frame.slice(4, 20)), show(ByteString.fromArray(a.address().getAddress())));
            assertEquals(8080, r.port());
            // and it runs the four ways like every other request
            decodesFourWays(ok("::ffff:127.0.0.1", REQUEST, frame, r, NEXT_PAYLOAD));
            // and encodes back as ATYP X'04', not as IPv4
            assertEquals(show(frame), show(Socks5ClientCodec.encode(r)));
        }

        @Test
        void ipv6HostIsRfc5952Text() throws Exception {
            assertEquals("::1", new SocksAddress.Ipv6((java.net.Inet6Address) java.net.InetAddress.getByName("::1")).host());
            assertEquals("2001:db8::1:0:0:1", new SocksAddress.Ipv6((java.net.Inet6Address) java.net.InetAddress.getByName(
                    "2001:0db8:0000:0000:0001:0000:0000:0001")).host());
            assertEquals("fe80::1", new SocksAddress.Ipv6((java.net.Inet6Address) java.net.InetAddress.getByName("FE80:0:0:0:0:0:0:1")).host());
        }

        @Test
        void namesCommands() {
            assertEquals(CommandCode.CONNECT, new Request(0x01, new SocksAddress.DomainName("x"), 1).command());
            assertEquals(CommandCode.BIND, new Request(0x02, new SocksAddress.DomainName("x"), 1).command());
            assertEquals(CommandCode.UDP_ASSOCIATE, new Request(0x03, new SocksAddress.DomainName("x"), 1).command());
            Request unknown = new Request(0x04, new SocksAddress.DomainName("x"), 1);
            assertEquals(CommandCode.UNKNOWN, unknown.command());
            assertEquals(0x04, unknown.commandCode());
        }

        @Test
        void longestRequestIsMaxRequestOctets() {
            assertEquals(262, Socks5Codec.MAX_REQUEST, "VER + CMD + RSV + ATYP + LEN + 255 + DST.PORT");
        }

        @Test
        void encodesDomainRequest() {
            assertEquals(show(hex("""
                    05                  # VER
                    01                  # CMD CONNECT
                    00                  # RSV
                    03                  # ATYP DOMAINNAME
                    0b                  # DST.ADDR length 11
                    65 78 61 6d 70 6c 65 2e 63 6f 6d  # DST.ADDR "example.com"
                    01 bb               # DST.PORT 443
                    """)), show(Socks5ClientCodec.encode(
                    new Request(CommandCode.CONNECT, new SocksAddress.DomainName("example.com"), 443))));
        }

        @Test
        void port65536CannotBeConstructed() {
            SocksAddress a = new SocksAddress.Ipv4(v4("127.0.0.1"));
            assertThrows(IllegalArgumentException.class, () -> new Request(CommandCode.CONNECT, a, 65536));
            assertThrows(IllegalArgumentException.class, () -> new Request(CommandCode.CONNECT, a, -1));
        }

        @Test
        void commandOutsideOneOctetCannotBeConstructed() {
            SocksAddress a = new SocksAddress.Ipv4(v4("127.0.0.1"));
            assertThrows(IllegalArgumentException.class, () -> new Request(256, a, 80));
            assertThrows(IllegalArgumentException.class, () -> new Request(-1, a, 80));
        }

        @Test
        void emptyOr256OctetDomainCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class, () -> new SocksAddress.DomainName(""));
            assertThrows(IllegalArgumentException.class, () -> new SocksAddress.DomainName("a".repeat(256)));
        }

        @Test
        void unsupportedAddressCannotBeEncoded() {
            Request r = new Request(CommandCode.CONNECT, new SocksAddress.Unsupported(0x02), 0);
            assertThrows(IllegalArgumentException.class, () -> Socks5ClientCodec.encode(r));
        }
    }

    // ---- RFC 1928 §6 replies ----

    @Nested
    class Rfc1928Section6Reply {
        @Test
        void encodesSuccessWithIpv4() {
            assertEquals(show(hex("""
                    05                  # VER
                    00                  # REP succeeded
                    00                  # RSV
                    01                  # ATYP IPv4
                    0a 00 00 01         # BND.ADDR 10.0.0.1
                    04 38               # BND.PORT 1080
                    """)), show(Socks5Codec.encode(
                    new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv4(v4("10.0.0.1")), 1080))));
        }

        @Test
        void encodesSuccessWithIpv6() {
            assertEquals(show(hex("""
                    05                  # VER
                    00                  # REP succeeded
                    00                  # RSV
                    04                  # ATYP IPv6
                    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  # BND.ADDR 2001:db8::1
                    ff ff               # BND.PORT 65535
                    """)), show(Socks5Codec.encode(
                    new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv6(v6("2001:db8::1")), 65535))));
        }

        @Test
        void encodesSuccessWithDomainName() {
            assertEquals(show(hex("""
                    05                  # VER
                    00                  # REP succeeded
                    00                  # RSV
                    03                  # ATYP DOMAINNAME
                    0d                  # BND.ADDR length 13
                    70 72 6f 78 79 2e 65 78 61 6d 70 6c 65  # BND.ADDR "proxy.example"
                    00 00               # BND.PORT 0
                    """)), show(Socks5Codec.encode(
                    new Reply(ReplyCode.SUCCEEDED, new SocksAddress.DomainName("proxy.example"), 0))));
        }

        /** Every REP value with its octet, spelled out rather than read from the enum. */
        static Stream<Arguments> replyCodes() {
            return Stream.of(
                    Arguments.of(ReplyCode.SUCCEEDED, "00"),
                    Arguments.of(ReplyCode.GENERAL_FAILURE, "01"),
                    Arguments.of(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET, "02"),
                    Arguments.of(ReplyCode.NETWORK_UNREACHABLE, "03"),
                    Arguments.of(ReplyCode.HOST_UNREACHABLE, "04"),
                    Arguments.of(ReplyCode.CONNECTION_REFUSED, "05"),
                    Arguments.of(ReplyCode.TTL_EXPIRED, "06"),
                    Arguments.of(ReplyCode.COMMAND_NOT_SUPPORTED, "07"),
                    Arguments.of(ReplyCode.ADDRESS_TYPE_NOT_SUPPORTED, "08"));
        }

        @Test
        void replyCodeTableCoversEveryReplyCode() {
            Set<ReplyCode> listed = replyCodes().map(a -> (ReplyCode) a.get()[0])
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(ReplyCode.class)));
            assertEquals(EnumSet.allOf(ReplyCode.class), listed);
        }

        @ParameterizedTest(name = "{0} is X''{1}''")
        @MethodSource("replyCodes")
        void encodesFailure(ReplyCode code, String rep) {
            assertEquals(show(hex("""
                    05                  # VER
                    %s                  # REP
                    00                  # RSV
                    01                  # ATYP IPv4
                    00 00 00 00         # BND.ADDR 0.0.0.0
                    00 00               # BND.PORT 0
                    """.formatted(rep))), show(Socks5Codec.encode(Reply.failure(code))));
        }

        @ParameterizedTest(name = "{0} is X''{1}''")
        @MethodSource("replyCodes")
        void namesReplyCode(ReplyCode code, String rep) {
            assertEquals(Integer.parseInt(rep, 16), code.code());
            assertEquals(code, ReplyCode.fromCode(Integer.parseInt(rep, 16)));
        }

        @Test
        void unknownReplyCodeHasNoName() {
            assertThrows(IllegalArgumentException.class, () -> ReplyCode.fromCode(0x09));
        }

        static Stream<Case> replies() {
            Stream<Case> failures = replyCodes().map(a -> {
                ReplyCode code = (ReplyCode) a.get()[0];
                return ok("failure " + code, REPLY, hex("""
                        05                  # VER
                        %s                  # REP
                        00                  # RSV
                        01                  # ATYP IPv4
                        00 00 00 00         # BND.ADDR 0.0.0.0
                        00 00               # BND.PORT 0
                        """.formatted(a.get()[1])), Reply.failure(code), NEXT_PAYLOAD);
            });
            Stream<Case> others = Stream.of(
                    ok("success bound to [2001:db8::1]:1080", REPLY, hex("""
                            05                  # VER
                            00                  # REP succeeded
                            00                  # RSV
                            04                  # ATYP IPv6
                            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  # BND.ADDR 2001:db8::1
                            04 38               # BND.PORT 1080
                            """), new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv6(v6("2001:db8::1")), 1080),
                            NEXT_PAYLOAD),
                    ok("success bound to proxy.example:1080", REPLY, hex("""
                            05                  # VER
                            00                  # REP succeeded
                            00                  # RSV
                            03                  # ATYP DOMAINNAME
                            0d                  # BND.ADDR length 13
                            70 72 6f 78 79 2e 65 78 61 6d 70 6c 65  # BND.ADDR "proxy.example"
                            04 38               # BND.PORT 1080
                            """), new Reply(ReplyCode.SUCCEEDED, new SocksAddress.DomainName("proxy.example"), 1080),
                            NEXT_PAYLOAD),
                    invalid("REP 0x09 is Invalid", REPLY, hex("""
                            05                  # VER
                            09                  # REP (unassigned)
                            00                  # RSV
                            01                  # ATYP IPv4
                            00 00 00 00         # BND.ADDR
                            00 00               # BND.PORT
                            """), NEXT_PAYLOAD),
                    invalid("unknown ATYP 0x02 is Invalid in a reply", REPLY, hex("""
                            05                  # VER
                            00                  # REP
                            00                  # RSV
                            02                  # ATYP (unassigned)
                            """), NEXT_PAYLOAD),
                    invalid("VER 4 is Invalid", REPLY, hex("""
                            04                  # VER
                            5a                  # SOCKS4 CD granted
                            """), NEXT_PAYLOAD));
            return Stream.concat(failures, others);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("replies")
        void decodes(Case c) {
            decodesFourWays(c);
        }

        @Test
        void replyWithUnsupportedAddressCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class,
                    () -> new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Unsupported(0x02), 0));
        }

        @Test
        void replyPort65536CannotBeConstructed() {
            SocksAddress a = new SocksAddress.Ipv4(v4("10.0.0.1"));
            assertThrows(IllegalArgumentException.class, () -> new Reply(ReplyCode.SUCCEEDED, a, 65536));
            assertThrows(IllegalArgumentException.class, () -> new Reply(ReplyCode.SUCCEEDED, a, -1));
        }
    }

    // ---- MAX_* bounds: no decoder needs more than its maximum frame ----

    @Nested
    class MaximumFrameSizes {
        /** A buffer of exactly {@code max} octets: the given header, then filler. */
        private static ByteString buffer(int max, int... header) {
            byte[] b = new byte[max];
            Arrays.fill(b, (byte) 'a');
            for (int i = 0; i < header.length; i++) {
                b[i] = (byte) header[i];
            }
            return ByteString.fromArray(b);
        }

        private static void decidesWithin(Function<ByteString, Decoded<?>> decoder, ByteString in, int max,
                String what) {
            Decoded<?> d = decoder.apply(in);
            if (d instanceof Decoded.NeedMore) {
                fail(what + ": NeedMore after " + in.size() + " octets, MAX is " + max);
            }
            if (d instanceof Decoded.Ok<?> ok) {
                assertTrue(in.size() - ok.rest().size() <= max, what + ": consumed more than MAX");
            }
        }

        @Test
        void greetingIsDecidedWithinMaxGreetingForEveryNmethods() {
            for (int n = 0; n <= 0xFF; n++) {
                decidesWithin(GREETING, buffer(Socks5Codec.MAX_GREETING, 0x05, n), Socks5Codec.MAX_GREETING,
                        "NMETHODS " + n);
            }
        }

        @Test
        void userPassIsDecidedWithinMaxUserPassForEveryUlenAndPlen() {
            for (int ulen = 0; ulen <= 0xFF; ulen++) {
                for (int plen = 0; plen <= 0xFF; plen++) {
                    byte[] b = new byte[Socks5Codec.MAX_USERPASS];
                    Arrays.fill(b, (byte) 'a');
                    b[0] = 0x01;
                    b[1] = (byte) ulen;
                    b[2 + ulen] = (byte) plen;
                    decidesWithin(USERPASS, ByteString.fromArrayUnsafe(b), Socks5Codec.MAX_USERPASS,
                            "ULEN " + ulen + " PLEN " + plen);
                }
            }
        }

        @Test
        void requestIsDecidedWithinMaxRequestForEveryAtypAndDomainLength() {
            for (int atyp = 0; atyp <= 0xFF; atyp++) {
                decidesWithin(REQUEST, buffer(Socks5Codec.MAX_REQUEST, 0x05, 0x01, 0x00, atyp, 0xFF),
                        Socks5Codec.MAX_REQUEST, "ATYP " + atyp);
            }
            for (int len = 0; len <= 0xFF; len++) {
                decidesWithin(REQUEST, buffer(Socks5Codec.MAX_REQUEST, 0x05, 0x01, 0x00, 0x03, len),
                        Socks5Codec.MAX_REQUEST, "DOMAINNAME length " + len);
            }
        }

        @Test
        void longestFramesAreExactlyMaxOctetsAndLeaveTheRest() {
            List<Object[]> longest = new ArrayList<>();
            longest.add(new Object[] {GREETING, Socks5Codec.MAX_GREETING, hex("""
                    05          # VER
                    ff          # NMETHODS
                    %s          # METHODS 255 x 02
                    """.formatted(times(255, "02")))});
            longest.add(new Object[] {USERPASS, Socks5Codec.MAX_USERPASS, hex("""
                    01          # VER
                    ff          # ULEN
                    %s          # UNAME
                    ff          # PLEN
                    %s          # PASSWD
                    """.formatted(times(255, "75"), times(255, "70")))});
            longest.add(new Object[] {REQUEST, Socks5Codec.MAX_REQUEST, hex("""
                    05          # VER
                    01          # CMD CONNECT
                    00          # RSV
                    03          # ATYP DOMAINNAME
                    ff          # DST.ADDR length
                    %s          # DST.ADDR
                    ff ff       # DST.PORT
                    """.formatted(times(255, "61")))});
            for (Object[] l : longest) {
                @SuppressWarnings("unchecked")
                Function<ByteString, Decoded<?>> decoder = (Function<ByteString, Decoded<?>>) l[0];
                int max = (int) l[1];
                ByteString frame = (ByteString) l[2];
                assertEquals(max, frame.size());
                assertInstanceOf(Decoded.NeedMore.class, decoder.apply(frame.take(max - 1)));
                Decoded.Ok<?> ok = assertInstanceOf(Decoded.Ok.class, decoder.apply(frame.concat(NEXT_PAYLOAD)));
                assertEquals(show(NEXT_PAYLOAD), show(ok.rest()));
            }
        }
    }

    // ---- round trips (extra; the byte-exact tests above are the real check) ----

    @Nested
    class RoundTrips {
        static Stream<ClientMessage> clientMessages() {
            return Stream.of(
                    new Greeting(List.of()),
                    new Greeting(List.of(0x00, 0x02, 0x80)),
                    new UserPassRequest("alice", "secret"),
                    new UserPassRequest("été", "p".repeat(255)),
                    new Request(CommandCode.CONNECT, new SocksAddress.Ipv4(v4("127.0.0.1")), 80),
                    new Request(CommandCode.BIND, new SocksAddress.Ipv6(v6("::1")), 0),
                    new Request(0x7F, new SocksAddress.DomainName("example.com"), 65535));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("clientMessages")
        void clientMessageRoundTrips(ClientMessage m) {
            ByteString bytes = Socks5ClientCodec.encode(m);
            Decoded<?> d;
            if (m instanceof Greeting) {
                d = Socks5Codec.decodeGreeting(bytes);
            } else if (m instanceof UserPassRequest) {
                d = Socks5Codec.decodeUserPass(bytes);
            } else {
                d = Socks5Codec.decodeRequest(bytes);
            }
            assertEquals(new Decoded.Ok<>(m, ByteString.emptyByteString()), d);
        }

        static Stream<ServerMessage> serverMessages() {
            return Stream.concat(
                    Stream.of(
                            new MethodSelection(AuthMethod.NO_AUTHENTICATION_REQUIRED),
                            new MethodSelection(AuthMethod.NO_ACCEPTABLE_METHODS),
                            new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv6(v6("2001:db8::2")), 443)),
                    Arrays.stream(ReplyCode.values()).map(Reply::failure));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("serverMessages")
        void serverMessageRoundTrips(ServerMessage m) {
            ByteString bytes = Socks5Codec.encode(m);
            Decoded<?> d = m instanceof MethodSelection
                    ? Socks5ClientCodec.decodeMethodSelection(bytes)
                    : Socks5ClientCodec.decodeReply(bytes);
            assertEquals(new Decoded.Ok<>(m, ByteString.emptyByteString()), d);
        }
    }
}
