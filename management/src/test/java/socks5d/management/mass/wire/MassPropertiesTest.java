package socks5d.management.mass.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.apache.pekko.util.ByteString;

import socks5d.testkit.props.ByteArbitraries;
import socks5d.testkit.props.DecodeResult;
import socks5d.testkit.props.DecoderLaws;
import socks5d.testkit.props.TextArbitraries;

/**
 * Property tests of {@link MassCodec} (bad input; docs/protocols/mass.md): the greeting, RFC 1929 and
 * request decoders obey {@link DecoderLaws} on arbitrary and mutated bytes, and every valid
 * client message survives encode-then-decode, alone and with the next message pipelined. The
 * byte-exact cases stay in {@link MassCodecTest}.
 */
final class MassPropertiesTest {

    @Property
    void greetingDecoderObeysTheLawsOnAnyInput(@ForAll("input") ByteString in, @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(DecoderLaws.decoder(MassCodec::decodeGreeting), MassCodec.MAX_CLIENT_MESSAGE, in, cuts);
    }

    @Property
    void userPassDecoderObeysTheLawsOnAnyInput(@ForAll("input") ByteString in, @ForAll("cuts") List<Integer> cuts) {
        DecoderLaws.check(DecoderLaws.decoder(MassCodec::decodeUserPass), MassCodec.MAX_CLIENT_MESSAGE, in, cuts);
    }

    @Property
    void requestDecoderObeysTheLawsOnAnyInput(@ForAll("input") ByteString in, @ForAll("cuts") List<Integer> cuts) {
        DecodeResult r = DecoderLaws.check(DecoderLaws.decoder(MassCodec::decodeRequest), MassCodec.MAX_CLIENT_MESSAGE, in, cuts);
        assertEquals(false, r.kind() == DecodeResult.Kind.INVALID, "the request decoder never returns Invalid");
    }

    @Property
    void everyGreetingRoundTrips(@ForAll("greetings") MassMessage.Greeting g, @ForAll("messages") ByteString next) {
        DecoderLaws.roundTrips(DecoderLaws.decoder(MassCodec::decodeGreeting), g, MassCodec.encode(g), next);
    }

    @Property
    void everyUserPassRoundTrips(@ForAll("userPasses") MassMessage.UserPass u, @ForAll("messages") ByteString next) {
        DecoderLaws.roundTrips(DecoderLaws.decoder(MassCodec::decodeUserPass), u, MassCodec.encode(u), next);
    }

    @Property
    void everyRequestRoundTrips(@ForAll("requests") MassRequest r, @ForAll("messages") ByteString next) {
        DecoderLaws.roundTrips(DecoderLaws.decoder(MassCodec::decodeRequest), r, MassCodec.encode(r), next);
    }



    // ---- generators ----

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return ByteArbitraries.cuts();
    }

    /** Random bytes up to twice the longest message, and mutated sessions (greeting, login, request). */
    @Provide
    Arbitrary<ByteString> input() {
        Arbitrary<ByteString> session = Combinators.combine(greetings(), userPasses(), requests())
                .as((g, u, r) -> MassCodec.encode(g).concat(MassCodec.encode(u)).concat(MassCodec.encode(r)));
        return Arbitraries.oneOf(ByteArbitraries.bytes(2 * MassCodec.MAX_CLIENT_MESSAGE),
                ByteArbitraries.mutated(session), ByteArbitraries.mutated(messages()));
    }

    /** Any one valid client message, encoded. */
    @Provide
    Arbitrary<ByteString> messages() {
        return Arbitraries.oneOf(greetings().map(MassCodec::encode), userPasses().map(MassCodec::encode),
                requests().map(MassCodec::encode));
    }

    @Provide
    Arbitrary<MassMessage.Greeting> greetings() {
        return Arbitraries.integers().between(0, MassCodec.MAX_OCTET).list().ofMinSize(1).ofMaxSize(MassCodec.MAX_OCTET)
                .map(MassMessage.Greeting::new);
    }

    @Provide
    Arbitrary<MassMessage.UserPass> userPasses() {
        return Combinators.combine(field(), field()).as(MassMessage.UserPass::new);
    }

    /** Every index: the ten queries, add, delete, both switches either way, and every unknown code. */
    @Provide
    Arbitrary<MassRequest> requests() {
        return Arbitraries.oneOf(
                Arbitraries.of(MassIndex.class).filter(i -> i.code() <= MassIndex.AVG_WRITE_SIZE.code())
                        .map(MassRequest.Query::new),
                Combinators.combine(field(), field()).as(MassRequest.AddUser::new),
                field().map(MassRequest.DeleteUser::new),
                Arbitraries.of(true, false).map(MassRequest.SetAuthentication::new),
                Arbitraries.of(true, false).map(MassRequest.SetDissectors::new),
                Arbitraries.integers().between(0, MassCodec.MAX_OCTET)
                        .filter(c -> MassIndex.fromCode(c).isEmpty()).map(MassRequest.Unknown::new));
    }

    private static Arbitrary<String> field() {
        return TextArbitraries.utf8(MassCodec.MAX_OCTET);
    }
}
