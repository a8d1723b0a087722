package socks5d.proxy.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static socks5d.proxy.wire.Socks5CodecTest.v4;
import static socks5d.proxy.wire.Socks5CodecTest.v6;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import socks5d.testkit.props.Chunks;
import socks5d.testkit.props.DecodeResult;
import socks5d.testkit.props.DecoderLaws;
import socks5d.wire.Decoded;

/**
 * {@link Socks5Codec} on the two replies of a BIND, RFC 1928 §6: the first carries BND.ADDR and
 * BND.PORT of the socket the server listens on, the second the address and port of the host that
 * connected to it (or a failure). A client may receive both in one read, followed by the first
 * bytes of the stream, so each pair is encoded against literal bytes and then decoded from one
 * buffer four ways. A sibling of {@link Socks5CodecTest}, whose helpers it uses.
 */
final class Socks5CodecBindTest {

    /** A BIND reply pair: both replies and their literal bytes. */
    record Pair(String name, Reply first, ByteString firstBytes, Reply second, ByteString secondBytes) {
        ByteString bytes() {
            return firstBytes.concat(secondBytes);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The first bytes the connecting host sends, relayed right after the second reply. */
    static final ByteString STREAM = hex("""
            32 32 30 20     # "220 " (relayed stream)
            """);

    static Stream<Pair> pairs() {
        return Stream.of(
                new Pair("IPv4 listener, IPv4 peer",
                        new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv4(v4("127.0.0.1")), 50_000), hex("""
                                05              # VER
                                00              # REP succeeded
                                00              # RSV
                                01              # ATYP IPv4
                                7f 00 00 01     # BND.ADDR: the listening socket, 127.0.0.1
                                c3 50           # BND.PORT: the listening socket, 50000
                                """),
                        new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv4(v4("127.0.0.2")), 20), hex("""
                                05              # VER
                                00              # REP succeeded
                                00              # RSV
                                01              # ATYP IPv4
                                7f 00 00 02     # BND.ADDR: the connecting host, 127.0.0.2
                                00 14           # BND.PORT: the connecting host's port, 20
                                """)),
                new Pair("IPv6 listener, IPv6 peer",
                        new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv6(v6("::1")), 40_001), hex("""
                                05              # VER
                                00              # REP succeeded
                                00              # RSV
                                04              # ATYP IPv6
                                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01  # BND.ADDR: ::1
                                9c 41           # BND.PORT 40001
                                """),
                        new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv6(v6("2001:db8::5")), 65_535), hex("""
                                05              # VER
                                00              # REP succeeded
                                00              # RSV
                                04              # ATYP IPv6
                                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 05  # BND.ADDR: 2001:db8::5
                                ff ff           # BND.PORT 65535
                                """)),
                new Pair("IPv4 listener, then the incoming connection fails",
                        new Reply(ReplyCode.SUCCEEDED, new SocksAddress.Ipv4(v4("192.0.2.1")), 1_080), hex("""
                                05              # VER
                                00              # REP succeeded
                                00              # RSV
                                01              # ATYP IPv4
                                c0 00 02 01     # BND.ADDR 192.0.2.1
                                04 38           # BND.PORT 1080
                                """),
                        Reply.failure(ReplyCode.GENERAL_FAILURE), hex("""
                                05              # VER
                                01              # REP general SOCKS server failure
                                00              # RSV
                                01              # ATYP IPv4
                                00 00 00 00     # BND.ADDR 0.0.0.0
                                00 00           # BND.PORT 0
                                """)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void encodesBothReplies(Pair p) {
        assertEquals(show(p.firstBytes()), show(Socks5Codec.encode(p.first())), "first reply");
        assertEquals(show(p.secondBytes()), show(Socks5Codec.encode(p.second())), "second reply");
    }

    /** Each reply runs through {@link Socks5CodecTest#decodesFourWays}, with what follows it as the next message. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void decodesEachReplyFourWaysWithWhatFollowsIt(Pair p) {
        Function<ByteString, Decoded<?>> reply = Socks5ClientCodec::decodeReply;
        Socks5CodecTest.decodesFourWays(Socks5CodecTest.ok("first", reply, p.firstBytes(), p.first(), p.secondBytes()));
        Socks5CodecTest.decodesFourWays(Socks5CodecTest.ok("second", reply, p.secondBytes(), p.second(), STREAM));
    }

    /**
     * The pair in one buffer, fed as a stream stage would feed it: all at once, split at every offset,
     * byte by byte, and followed by the stream, which stays after the second reply.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void decodesThePairFromOneBufferFourWays(Pair p) {
        Function<ByteString, DecodeResult> reply = Socks5PropertiesTest.reply();
        ByteString both = p.bytes();
        DecoderLaws.StreamResult expected = new DecoderLaws.StreamResult(
                List.of(p.first(), p.second()), null, ByteString.emptyByteString());

        // 1. all at once
        assertEquals(expected, DecoderLaws.stream(reply, List.of(both)), "all at once");

        // 2. split at every offset
        for (int at = 1; at < both.size(); at++) {
            assertEquals(expected, DecoderLaws.stream(reply, Chunks.split(both, List.of(at))), "split at " + at);
        }

        // 3. byte by byte
        List<Integer> everyOffset = IntStream.range(1, both.size()).boxed().toList();
        assertEquals(expected, DecoderLaws.stream(reply, Chunks.split(both, everyOffset)), "byte by byte");

        // 4. followed by the stream: two replies, and the stream left for the relay
        List<Object> replies = new ArrayList<>();
        ByteString rest = both.concat(STREAM);
        for (int i = 0; i < 2; i++) {
            Decoded.Ok<?> ok = (Decoded.Ok<?>) Socks5ClientCodec.decodeReply(rest);
            replies.add(ok.value());
            rest = ok.rest();
        }
        assertEquals(List.of(p.first(), p.second()), replies, "followed by the stream");
        assertEquals(show(STREAM), show(rest), "the stream after the second reply");
    }

    @Test
    void secondReplyCanBeADomainNameWhenTheServerReportsOne() {
        Reply named = new Reply(ReplyCode.SUCCEEDED, new SocksAddress.DomainName("peer.test"), 21);
        assertEquals(show(hex("""
                05              # VER
                00              # REP succeeded
                00              # RSV
                03              # ATYP DOMAINNAME
                09              # BND.ADDR length
                70 65 65 72 2e 74 65 73 74  # BND.ADDR "peer.test"
                00 15           # BND.PORT 21
                """)), show(Socks5Codec.encode(named)));
    }
}
