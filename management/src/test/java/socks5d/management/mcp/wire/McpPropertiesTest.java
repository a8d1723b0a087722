package socks5d.management.mcp.wire;

import socks5d.wire.Decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.apache.pekko.util.ByteString;

import socks5d.testkit.props.ByteArbitraries;
import socks5d.testkit.props.DecodeResult;
import socks5d.testkit.props.DecoderLaws;
import socks5d.testkit.props.TextArbitraries;

/**
 * Property tests of {@link McpCodec} (bad input; docs/protocols/mcp.md): the request and response
 * decoders obey {@link DecoderLaws} on arbitrary and mutated bytes, the payload readers never
 * throw, and every valid request, response and payload survives encode-then-decode, alone and
 * with the next frame pipelined. The byte-exact cases stay in {@link McpCodecTest}.
 */
final class McpPropertiesTest {

    @Property
    void requestDecoderObeysTheLawsOnAnyInput(@ForAll("requestInput") ByteString in, @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(requestDecoder(), McpCodec.MAX_FRAME, in, cuts);
    }

    @Property
    void responseDecoderObeysTheLawsOnAnyInput(@ForAll("responseInput") ByteString in,
                                               @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(responseDecoder(), McpCodec.MAX_FRAME, in, cuts);
    }

    /** The payload readers see a whole payload: Ok with nothing left, or Invalid, never an exception. */
    @Property
    void payloadReadersNeverThrow(@ForAll("payloads") ByteString payload) {
        for (Decoded<?> d : List.of(McpCodec.decodeMetrics(payload), McpCodec.decodeUserList(payload),
                McpCodec.decodeDissectorState(payload))) {
            if (d instanceof Decoded.Ok<?> ok) {
                assertEquals(ByteString.emptyByteString(), ok.rest());
            } else {
                assertEquals(Decoded.Invalid.class, d.getClass());
            }
        }
    }

    @Property
    void everyRequestRoundTrips(@ForAll("requests") McpRequest r, @ForAll("requests") McpRequest next) {
        DecoderLaws.roundTrips(requestDecoder(), r, McpCodec.encode(r), McpCodec.encode(next));
    }

    @Property
    void everyResponseRoundTrips(@ForAll("responses") McpResponse r, @ForAll("responses") McpResponse next) {
        DecoderLaws.roundTrips(responseDecoder(), r, McpCodec.encode(r), McpCodec.encode(next));
    }

    @Property
    void everyPayloadRoundTrips(@ForAll("metrics") McpMetrics m, @ForAll("names") List<String> names,
                                @ForAll boolean on) {
        assertEquals(new Decoded.Ok<>(m, ByteString.emptyByteString()), McpCodec.decodeMetrics(McpCodec.encodeMetrics(m)));
        assertEquals(new Decoded.Ok<>(names, ByteString.emptyByteString()),
                McpCodec.decodeUserList(McpCodec.encodeUserList(names)));
        assertEquals(new Decoded.Ok<>(on, ByteString.emptyByteString()),
                McpCodec.decodeDissectorState(McpCodec.encodeDissectorState(on)));
    }


    static Function<ByteString, DecodeResult> requestDecoder() {
        return DecoderLaws.decoder(McpCodec::decode);
    }

    static Function<ByteString, DecodeResult> responseDecoder() {
        return DecoderLaws.decoder(McpCodec::decodeResponse);
    }


    // ---- generators ----

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return ByteArbitraries.cuts();
    }

    /** Random bytes up to two maximal frames, mutated pipelined requests, and a header followed by anything. */
    @Provide
    Arbitrary<ByteString> requestInput() {
        Arbitrary<ByteString> pipelined = requests().list().ofMinSize(1).ofMaxSize(3).map(rs -> {
            ByteString b = ByteString.emptyByteString();
            for (McpRequest r : rs) {
                b = b.concat(McpCodec.encode(r));
            }
            return b;
        });
        return input(pipelined);
    }

    @Provide
    Arbitrary<ByteString> responseInput() {
        Arbitrary<ByteString> pipelined = responses().list().ofMinSize(1).ofMaxSize(3).map(rs -> {
            ByteString b = ByteString.emptyByteString();
            for (McpResponse r : rs) {
                b = b.concat(McpCodec.encode(r));
            }
            return b;
        });
        return input(pipelined);
    }

    private static Arbitrary<ByteString> input(Arbitrary<ByteString> valid) {
        Arbitrary<ByteString> header = Combinators.combine(
                Arbitraries.integers().between(0, McpCodec.MAX_OCTET),
                Arbitraries.integers().between(0, McpCodec.MAX_PAYLOAD)).as((code, len) ->
                        ByteString.fromArrayUnsafe(new byte[] {(byte) McpCodec.VERSION, code.byteValue(),
                                (byte) (len >>> Byte.SIZE), len.byteValue()}));
        return Arbitraries.oneOf(
                ByteArbitraries.bytes(2 * McpCodec.MAX_FRAME),
                ByteArbitraries.mutated(valid),
                ByteArbitraries.startingWith(header, 2 * McpCodec.MAX_FRAME));
    }

    @Provide
    Arbitrary<ByteString> payloads() {
        Arbitrary<ByteString> lists = names().map(McpCodec::encodeUserList);
        return Arbitraries.oneOf(ByteArbitraries.bytes(1024), ByteArbitraries.mutated(lists),
                ByteArbitraries.mutated(metrics().map(McpCodec::encodeMetrics)));
    }

    @Provide
    Arbitrary<McpRequest> requests() {
        Arbitrary<String> field = TextArbitraries.utf8(McpCodec.MAX_FIELD);
        return Arbitraries.oneOf(
                Arbitraries.of(McpRequest.GetMetrics.INSTANCE, McpRequest.ListUsers.INSTANCE),
                Combinators.combine(field, field).as(McpRequest.AddUser::new),
                field.map(McpRequest.RemoveUser::new),
                Arbitraries.of(Optional.<Boolean>empty(), Optional.of(true), Optional.of(false))
                        .map(McpRequest.ToggleDissector::new),
                Arbitraries.integers().between(0, McpCodec.MAX_OCTET)
                        .filter(c -> McpCommand.fromCode(c).isEmpty()).map(McpRequest.Unsupported::new));
    }

    @Provide
    Arbitrary<McpResponse> responses() {
        Arbitrary<ByteString> payload = Arbitraries.oneOf(ByteArbitraries.bytes(1024),
                ByteArbitraries.bytes(McpCodec.MAX_PAYLOAD));
        return Combinators.combine(Arbitraries.of(McpStatus.class), payload).as(McpResponse::new);
    }

    @Provide
    Arbitrary<McpMetrics> metrics() {
        Arbitrary<Long> counter = Arbitraries.longs().greaterOrEqual(0);
        return Combinators.combine(counter, counter, counter, counter, counter, counter).as(McpMetrics::new);
    }

    /** Mostly a few names of any length; sometimes the full COUNT of 255 short ones. */
    @Provide
    Arbitrary<List<String>> names() {
        Arbitrary<List<String>> few = TextArbitraries.utf8(McpCodec.MAX_FIELD).list().ofMaxSize(8);
        Arbitrary<List<String>> full = Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(4).list()
                .ofSize(McpCodec.MAX_LISTED_USERS);
        return Arbitraries.frequencyOf(Tuple.of(9, few), Tuple.of(1, full));
    }
}
