package socks5d.proxy.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.proxy.wire.Socks5CodecTest.times;
import static socks5d.proxy.wire.Socks5CodecTest.v4;
import static socks5d.proxy.wire.Socks5CodecTest.v6;
import static socks5d.testkit.bytes.Hex.ascii;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import socks5d.wire.Decoded;

/**
 * Byte-exact tests of {@link UdpCodec} against RFC 1928 §7. A datagram arrives whole, so the
 * stream decoders' four ways (split, byte by byte, pipelined) become their datagram equivalents
 * in {@link #decodesAsDatagram(Case)}: the whole datagram; every cut inside the header, which is
 * Invalid and never NeedMore; every cut inside DATA, which is a shorter but valid datagram; and
 * extra bytes after it, which are DATA, since nothing is pipelined after a datagram.
 */
final class UdpCodecTest {

    /** One valid datagram: its bytes, the length of its header, and what it decodes to. */
    record Case(String name, ByteString bytes, int headerLength, UdpDatagram value) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Bytes a client could append: they must come back as more DATA. */
    static final ByteString MORE_DATA = hex("""
            21 0a           # "!\\n" (DATA)
            """);

    static void decodesAsDatagram(Case c) {
        // 1. the whole datagram
        assertEquals(new Decoded.Ok<>(c.value(), ByteString.emptyByteString()), UdpCodec.decode(c.bytes()),
                c + ": " + show(c.bytes()));

        // 2. cut inside the header: truncated, so Invalid, never NeedMore
        for (int at = 0; at < c.headerLength(); at++) {
            ByteString cut = c.bytes().take(at);
            Decoded.Invalid<?> bad = assertInstanceOf(Decoded.Invalid.class, UdpCodec.decode(cut),
                    c + ", header cut at " + at + ": " + show(cut));
            assertTrue(bad.why().startsWith("truncated"), c + ", cut at " + at + ": " + bad.why());
        }

        // 3. cut inside DATA: the same header with less DATA
        for (int at = c.headerLength(); at < c.bytes().size(); at++) {
            UdpDatagram shorter = new UdpDatagram(c.value().fragment(), c.value().address(), c.value().port(),
                    c.value().data().take(at - c.headerLength()));
            assertEquals(new Decoded.Ok<>(shorter, ByteString.emptyByteString()), UdpCodec.decode(c.bytes().take(at)),
                    c + ", DATA cut at " + at);
        }

        // 4. more bytes after it are DATA
        UdpDatagram longer = new UdpDatagram(c.value().fragment(), c.value().address(), c.value().port(),
                c.value().data().concat(MORE_DATA));
        assertEquals(new Decoded.Ok<>(longer, ByteString.emptyByteString()),
                UdpCodec.decode(c.bytes().concat(MORE_DATA)), c + ", followed by more bytes");
    }

    static void rejects(ByteString datagram, String why) {
        Decoded.Invalid<?> bad = assertInstanceOf(Decoded.Invalid.class, UdpCodec.decode(datagram), show(datagram));
        assertTrue(bad.why().contains(why), "reason [" + bad.why() + "] should mention [" + why + "]");
        if (!why.startsWith("truncated")) {
            // a bad field stays bad whatever bytes follow it
            assertInstanceOf(Decoded.Invalid.class, UdpCodec.decode(datagram.concat(MORE_DATA)));
        }
    }

    // ---- RFC 1928 §7: decoding what a client sends ----

    @Nested
    class Decoding {
        static Stream<Case> datagrams() {
            return Stream.of(
                    new Case("IPv4 destination", hex("""
                            00 00           # RSV
                            00              # FRAG
                            01              # ATYP IPv4
                            7f 00 00 01     # DST.ADDR 127.0.0.1
                            00 35           # DST.PORT 53
                            70 69 6e 67     # DATA "ping"
                            """), 10, UdpDatagram.of(new SocksAddress.Ipv4(v4("127.0.0.1")), 53, ascii("ping"))),
                    new Case("IPv6 destination", hex("""
                            00 00           # RSV
                            00              # FRAG
                            04              # ATYP IPv6
                            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR 2001:db8::1
                            01 bb           # DST.PORT 443
                            70 69 6e 67     # DATA "ping"
                            """), 22, UdpDatagram.of(new SocksAddress.Ipv6(v6("2001:db8::1")), 443, ascii("ping"))),
                    new Case("IPv4-mapped IPv6 destination stays IPv6", hex("""
                            00 00           # RSV
                            00              # FRAG
                            04              # ATYP IPv6
                            00 00 00 00 00 00 00 00 00 00 ff ff 7f 00 00 01  # DST.ADDR ::ffff:127.0.0.1
                            00 07           # DST.PORT 7
                            78              # DATA "x"
                            """), 22, UdpDatagram.of(new SocksAddress.Ipv6(SocksAddress.ipv6(
                                    hex("00000000 00000000 0000ffff 7f000001").toArray())), 7, ascii("x"))),
                    new Case("domain name destination", hex("""
                            00 00           # RSV
                            00              # FRAG
                            03              # ATYP DOMAINNAME
                            08              # DST.ADDR length
                            64 6e 73 2e 74 65 73 74  # DST.ADDR "dns.test"
                            00 35           # DST.PORT 53
                            71              # DATA "q"
                            """), 15, UdpDatagram.of(new SocksAddress.DomainName("dns.test"), 53, ascii("q"))),
                    new Case("empty DATA", hex("""
                            00 00           # RSV
                            00              # FRAG
                            01              # ATYP IPv4
                            0a 00 00 02     # DST.ADDR 10.0.0.2
                            ff ff           # DST.PORT 65535
                            """), 10, UdpDatagram.of(new SocksAddress.Ipv4(v4("10.0.0.2")), 65535, ByteString.emptyByteString())),
                    new Case("a 255-octet name, the longest header", hex("""
                            00 00           # RSV
                            00              # FRAG
                            03              # ATYP DOMAINNAME
                            ff              # DST.ADDR length
                            %s              # DST.ADDR 255 x "a"
                            00 00           # DST.PORT 0
                            64              # DATA "d"
                            """.formatted(times(255, "61"))), UdpCodec.MAX_HEADER,
                            UdpDatagram.of(new SocksAddress.DomainName("a".repeat(255)), 0, ascii("d"))),
                    new Case("FRAG 1, a fragment, decodes so that the caller can drop and count it", hex("""
                            00 00           # RSV
                            01              # FRAG 1
                            01              # ATYP IPv4
                            7f 00 00 01     # DST.ADDR 127.0.0.1
                            00 35           # DST.PORT 53
                            70 69 6e 67     # DATA "ping"
                            """), 10, new UdpDatagram(1, new SocksAddress.Ipv4(v4("127.0.0.1")), 53, ascii("ping"))),
                    new Case("FRAG X'81', the last fragment of a sequence", hex("""
                            00 00           # RSV
                            81              # FRAG 1, end-of-sequence bit set
                            03              # ATYP DOMAINNAME
                            01              # DST.ADDR length
                            61              # DST.ADDR "a"
                            00 35           # DST.PORT 53
                            """), 8, new UdpDatagram(0x81, new SocksAddress.DomainName("a"), 53, ByteString.emptyByteString())));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("datagrams")
        void decodes(Case c) {
            decodesAsDatagram(c);
        }

        @Test
        void fragmentsAreDistinguishableFromWholeDatagrams() {
            UdpDatagram whole = decoded(hex("00 00 00 01 7f000001 0035"));
            UdpDatagram fragment = decoded(hex("00 00 01 01 7f000001 0035"));
            assertFalse(whole.isFragment());
            assertTrue(fragment.isFragment());
            assertTrue(decoded(hex("00 00 ff 01 7f000001 0035")).isFragment(), "FRAG X'FF'");
        }

        @Test
        void emptyDatagramIsTruncated() {
            rejects(ByteString.emptyByteString(), "truncated in RSV");
        }

        @Test
        void truncationNamesTheFieldItStopsIn() {
            rejects(hex("00"), "truncated in RSV");
            rejects(hex("00 00"), "truncated in FRAG");
            rejects(hex("00 00 00"), "truncated in ATYP");
            rejects(hex("00 00 00 03"), "truncated in DOMAINNAME length");
            rejects(hex("00 00 00 01 7f 00 00"), "truncated in DST.ADDR");
            rejects(hex("00 00 00 03 02 61"), "truncated in DST.ADDR");
            rejects(hex("00 00 00 01 7f 00 00 01 00"), "truncated in DST.PORT");
            rejects(hex("00 00 00 04" + times(16, "00")), "truncated in DST.PORT");
        }

        static Stream<ByteString> badReserved() {
            return Stream.of(
                    hex("""
                            00 01           # RSV, low octet set
                            00              # FRAG
                            01              # ATYP IPv4
                            7f 00 00 01     # DST.ADDR
                            00 35           # DST.PORT
                            """),
                    hex("""
                            80 00           # RSV, high octet set
                            00              # FRAG
                            01              # ATYP IPv4
                            7f 00 00 01     # DST.ADDR
                            00 35           # DST.PORT
                            """),
                    hex("""
                            05 00           # RSV: a SOCKS5 greeting sent to the relay port by mistake
                            01 00           # (NMETHODS, METHODS)
                            """),
                    hex("""
                            ff ff           # RSV, all bits set
                            """));
        }

        @ParameterizedTest
        @MethodSource("badReserved")
        void nonZeroReservedIsInvalid(ByteString datagram) {
            rejects(datagram, "RSV");
        }

        static Stream<Integer> unknownAddressTypes() {
            return Stream.of(0x00, 0x02, 0x05, 0x7f, 0xff);
        }

        @ParameterizedTest
        @MethodSource("unknownAddressTypes")
        void unknownAtypIsInvalid(int atyp) {
            rejects(hex("""
                    00 00           # RSV
                    00              # FRAG
                    %02x            # ATYP, not in RFC 1928 §5
                    7f 00 00 01     # what would be DST.ADDR
                    00 35           # what would be DST.PORT
                    """.formatted(atyp)), "ATYP " + atyp);
        }

        @Test
        void zeroLengthDomainNameIsInvalid() {
            rejects(hex("""
                    00 00           # RSV
                    00              # FRAG
                    03              # ATYP DOMAINNAME
                    00              # DST.ADDR length 0
                    00 35           # DST.PORT 53
                    """), "DOMAINNAME length is 0");
        }

        @Test
        void unknownAtypOnAFragmentIsStillInvalid() {
            rejects(hex("""
                    00 00           # RSV
                    01              # FRAG 1
                    02              # ATYP, not in RFC 1928 §5
                    """), "ATYP 2");
        }

        private static UdpDatagram decoded(ByteString datagram) {
            Decoded.Ok<?> ok = assertInstanceOf(Decoded.Ok.class, UdpCodec.decode(datagram), show(datagram));
            return (UdpDatagram) ok.value();
        }
    }

    // ---- RFC 1928 §7: encoding what the relay sends back to the client ----

    @Nested
    class Encoding {
        @Test
        void encodesReplyFromAnIpv4Sender() {
            assertEquals(show(hex("""
                    00 00           # RSV
                    00              # FRAG
                    01              # ATYP IPv4
                    7f 00 00 01     # DST.ADDR: the sender, 127.0.0.1
                    00 35           # DST.PORT: the sender's port, 53
                    70 6f 6e 67     # DATA "pong"
                    """)), show(UdpCodec.encode(UdpDatagram.of(new SocksAddress.Ipv4(v4("127.0.0.1")), 53, ascii("pong")))));
        }

        @Test
        void encodesReplyFromAnIpv6Sender() {
            assertEquals(show(hex("""
                    00 00           # RSV
                    00              # FRAG
                    04              # ATYP IPv6
                    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01  # DST.ADDR: the sender, ::1
                    c3 50           # DST.PORT: the sender's port, 50000
                    70 6f 6e 67     # DATA "pong"
                    """)), show(UdpCodec.encode(UdpDatagram.of(new SocksAddress.Ipv6(v6("::1")), 50_000, ascii("pong")))));
        }

        @Test
        void encodesDomainNameAddress() {
            assertEquals(show(hex("""
                    00 00           # RSV
                    00              # FRAG
                    03              # ATYP DOMAINNAME
                    08              # DST.ADDR length
                    64 6e 73 2e 74 65 73 74  # DST.ADDR "dns.test"
                    00 35           # DST.PORT 53
                    71              # DATA "q"
                    """)), show(UdpCodec.encode(UdpDatagram.of(new SocksAddress.DomainName("dns.test"), 53, ascii("q")))));
        }

        @Test
        void encodesEmptyData() {
            assertEquals(show(hex("""
                    00 00           # RSV
                    00              # FRAG
                    01              # ATYP IPv4
                    0a 00 00 02     # DST.ADDR 10.0.0.2
                    00 00           # DST.PORT 0
                    """)), show(UdpCodec.encode(UdpDatagram.of(new SocksAddress.Ipv4(v4("10.0.0.2")), 0, ByteString.emptyByteString()))));
        }

        @Test
        void encodesFragmentNumberAsGiven() {
            assertEquals(show(hex("""
                    00 00           # RSV
                    82              # FRAG 2, end-of-sequence bit set
                    01              # ATYP IPv4
                    7f 00 00 01     # DST.ADDR 127.0.0.1
                    00 35           # DST.PORT 53
                    """)), show(UdpCodec.encode(new UdpDatagram(0x82, new SocksAddress.Ipv4(v4("127.0.0.1")), 53,
                    ByteString.emptyByteString()))));
        }

        @Test
        void encodesLongestHeader() {
            ByteString header = UdpCodec.encodeHeader(new SocksAddress.DomainName("b".repeat(255)), 65535);
            assertEquals(show(hex("""
                    00 00           # RSV
                    00              # FRAG
                    03              # ATYP DOMAINNAME
                    ff              # DST.ADDR length
                    %s              # DST.ADDR 255 x "b"
                    ff ff           # DST.PORT 65535
                    """.formatted(times(255, "62")))), show(header));
            assertEquals(UdpCodec.MAX_HEADER, header.size());
        }

        @Test
        void headerAloneIsTheDatagramWithoutData() {
            SocksAddress sender = new SocksAddress.Ipv6(v6("2001:db8::7"));
            assertEquals(show(UdpCodec.encode(UdpDatagram.of(sender, 9, ByteString.emptyByteString()))),
                    show(UdpCodec.encodeHeader(sender, 9)));
        }

        @Test
        void headerLengthMatchesTheEncodedHeader() {
            assertEquals(10, UdpCodec.MIN_HEADER, "RSV + FRAG + ATYP + 4 + DST.PORT");
            assertEquals(262, UdpCodec.MAX_HEADER, "RSV + FRAG + ATYP + LEN + 255 + DST.PORT");
            for (SocksAddress a : new SocksAddress[] {
                    new SocksAddress.Ipv4(v4("127.0.0.1")), new SocksAddress.Ipv6(v6("::1")),
                    new SocksAddress.DomainName("x"), new SocksAddress.DomainName("é".repeat(255))}) {
                assertEquals(UdpCodec.encodeHeader(a, 1).size(), UdpCodec.headerLength(a), a.toString());
            }
            assertEquals(UdpCodec.MIN_HEADER, UdpCodec.headerLength(new SocksAddress.Ipv4(v4("127.0.0.1"))));
        }
    }

    // ---- the record: an invalid datagram cannot exist ----

    @Nested
    class Construction {
        @Test
        void unknownAddressTypeCannotBeConstructed() {
            assertThrows(IllegalArgumentException.class,
                    () -> UdpDatagram.of(new SocksAddress.Unsupported(2), 53, ByteString.emptyByteString()));
        }

        @Test
        void portOutsideTwoOctetsCannotBeConstructed() {
            SocksAddress a = new SocksAddress.Ipv4(v4("127.0.0.1"));
            assertThrows(IllegalArgumentException.class, () -> UdpDatagram.of(a, -1, ByteString.emptyByteString()));
            assertThrows(IllegalArgumentException.class, () -> UdpDatagram.of(a, 65536, ByteString.emptyByteString()));
        }

        @Test
        void fragOutsideOneOctetCannotBeConstructed() {
            SocksAddress a = new SocksAddress.Ipv4(v4("127.0.0.1"));
            assertThrows(IllegalArgumentException.class, () -> new UdpDatagram(256, a, 1, ByteString.emptyByteString()));
            assertThrows(IllegalArgumentException.class, () -> new UdpDatagram(-1, a, 1, ByteString.emptyByteString()));
        }

        @Test
        void datagramsWithTheSameBytesAreEqual() {
            SocksAddress a = new SocksAddress.DomainName("dns.test");
            assertEquals(UdpDatagram.of(a, 53, ascii("q")), UdpDatagram.of(a, 53, hex("71")));
        }
    }
}
