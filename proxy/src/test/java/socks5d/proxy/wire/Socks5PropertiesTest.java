package socks5d.proxy.wire;

import java.util.List;
import java.util.function.Function;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.apache.pekko.util.ByteString;

import socks5d.testkit.props.ByteArbitraries;
import socks5d.testkit.props.DecodeResult;
import socks5d.testkit.props.DecoderLaws;

/**
 * Property tests of {@link Socks5Codec} (bad input): every decoder obeys
 * {@link DecoderLaws} on arbitrary and on mutated bytes, and every valid message survives
 * encode-then-decode, alone and with the next message pipelined after it. Tries default to
 * {@code jqwik.tries.default} (junit-platform.properties); the byte-exact cases stay in
 * {@link Socks5CodecTest}.
 */
final class Socks5PropertiesTest {

    // ---- decoder laws on bad input ----

    @Property
    void greetingDecoderObeysTheLawsOnAnyInput(@ForAll("clientInput") ByteString in,
                                               @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(greeting(), Socks5Codec.MAX_GREETING, in, cuts);
    }

    @Property
    void userPassDecoderObeysTheLawsOnAnyInput(@ForAll("clientInput") ByteString in,
                                               @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(userPass(), Socks5Codec.MAX_USERPASS, in, cuts);
    }

    @Property
    void requestDecoderObeysTheLawsOnAnyInput(@ForAll("clientInput") ByteString in,
                                              @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(request(), Socks5Codec.MAX_REQUEST, in, cuts);
    }

    @Property
    void methodSelectionDecoderObeysTheLawsOnAnyInput(@ForAll("serverInput") ByteString in,
                                                      @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(methodSelection(), MAX_METHOD_SELECTION, in, cuts);
    }

    @Property
    void replyDecoderObeysTheLawsOnAnyInput(@ForAll("serverInput") ByteString in,
                                            @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(reply(), Socks5Codec.MAX_REQUEST, in, cuts);
    }

    // ---- encode, then decode ----

    @Property
    void everyGreetingRoundTrips(@ForAll("greetings") Greeting g, @ForAll("clientMessages") ClientMessage next) {
        DecoderLaws.roundTrips(greeting(), g, Socks5ClientCodec.encode(g), Socks5ClientCodec.encode(next));
    }

    @Property
    void everyUserPassRequestRoundTrips(@ForAll("userPasses") UserPassRequest u,
                                        @ForAll("clientMessages") ClientMessage next) {
        DecoderLaws.roundTrips(userPass(), u, Socks5ClientCodec.encode(u), Socks5ClientCodec.encode(next));
    }

    @Property
    void everyRequestRoundTrips(@ForAll("requests") Request r, @ForAll("clientMessages") ClientMessage next) {
        DecoderLaws.roundTrips(request(), r, Socks5ClientCodec.encode(r), Socks5ClientCodec.encode(next));
    }

    @Property
    void everyMethodSelectionRoundTrips(@ForAll("methodSelections") MethodSelection m,
                                        @ForAll("serverMessages") ServerMessage next) {
        DecoderLaws.roundTrips(methodSelection(), m, Socks5Codec.encode(m), Socks5Codec.encode(next));
    }

    @Property
    void everyReplyRoundTrips(@ForAll("replies") Reply r, @ForAll("serverMessages") ServerMessage next) {
        DecoderLaws.roundTrips(reply(), r, Socks5Codec.encode(r), Socks5Codec.encode(next));
    }


    // ---- decoders as plain functions ----

    /** RFC 1928 §3: VER METHOD, two octets. */
    private static final int MAX_METHOD_SELECTION = 2;

    static Function<ByteString, DecodeResult> greeting() {
        return DecoderLaws.decoder(Socks5Codec::decodeGreeting);
    }

    static Function<ByteString, DecodeResult> userPass() {
        return DecoderLaws.decoder(Socks5Codec::decodeUserPass);
    }

    static Function<ByteString, DecodeResult> request() {
        return DecoderLaws.decoder(Socks5Codec::decodeRequest);
    }

    static Function<ByteString, DecodeResult> methodSelection() {
        return DecoderLaws.decoder(Socks5ClientCodec::decodeMethodSelection);
    }

    static Function<ByteString, DecodeResult> reply() {
        return DecoderLaws.decoder(Socks5ClientCodec::decodeReply);
    }


    // ---- generators ----

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return ByteArbitraries.cuts();
    }

    /** Anything a client may send: random bytes up to twice the longest frame, or a mutated pipelined handshake. */
    @Provide
    Arbitrary<ByteString> clientInput() {
        Arbitrary<ByteString> pipelined = Socks5Arbitraries.clientMessages().list().ofMinSize(1).ofMaxSize(3)
                .map(ms -> ms.stream().map(Socks5ClientCodec::encode).reduce(ByteString.emptyByteString(), ByteString::concat));
        return Arbitraries.oneOf(
                ByteArbitraries.bytes(2 * Socks5Codec.MAX_USERPASS),
                ByteArbitraries.mutated(pipelined),
                ByteArbitraries.startingWith(pipelined, Socks5Codec.MAX_REQUEST));
    }

    @Provide
    Arbitrary<ByteString> serverInput() {
        Arbitrary<ByteString> pipelined = Socks5Arbitraries.serverMessages().list().ofMinSize(1).ofMaxSize(3)
                .map(ms -> ms.stream().map(Socks5Codec::encode).reduce(ByteString.emptyByteString(), ByteString::concat));
        return Arbitraries.oneOf(
                ByteArbitraries.bytes(2 * Socks5Codec.MAX_REQUEST),
                ByteArbitraries.mutated(pipelined),
                ByteArbitraries.startingWith(pipelined, Socks5Codec.MAX_REQUEST));
    }

    @Provide
    Arbitrary<ClientMessage> clientMessages() {
        return Socks5Arbitraries.clientMessages();
    }

    @Provide
    Arbitrary<ServerMessage> serverMessages() {
        return Socks5Arbitraries.serverMessages();
    }

    @Provide
    Arbitrary<Greeting> greetings() {
        return Socks5Arbitraries.greetings();
    }

    @Provide
    Arbitrary<UserPassRequest> userPasses() {
        return Socks5Arbitraries.userPasses();
    }

    @Provide
    Arbitrary<Request> requests() {
        return Socks5Arbitraries.requests();
    }

    @Provide
    Arbitrary<MethodSelection> methodSelections() {
        return Socks5Arbitraries.methodSelections();
    }

    @Provide
    Arbitrary<Reply> replies() {
        return Socks5Arbitraries.replies();
    }
}
