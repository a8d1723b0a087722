package socks5d.proxy.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static socks5d.testkit.bytes.Hex.show;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.apache.pekko.util.ByteString;

import socks5d.testkit.props.ByteArbitraries;
import socks5d.wire.Decoded;

/**
 * Property tests of {@link UdpCodec}: every valid datagram survives encode-then-decode; on any
 * bytes at all the decoder returns Ok or Invalid, never throws and never asks for more (a datagram
 * is whole); and whatever it accepts it accepts exactly, so encoding the value gives back the very
 * bytes (RSV is strict and DOMAINNAME octets map one-to-one to ISO-8859-1). The byte-exact cases
 * stay in {@link UdpCodecTest}. Tries default to {@code jqwik.tries.default}.
 */
final class UdpCodecPropertiesTest {
    /** DATA up to this many octets: long enough to cross any header, short enough to shrink. */
    private static final int MAX_DATA = 1024;

    @Property
    void everyDatagramRoundTrips(@ForAll("datagrams") UdpDatagram d) {
        ByteString bytes = UdpCodec.encode(d);
        assertEquals(UdpCodec.headerLength(d.address()) + d.data().size(), bytes.size());
        assertEquals(new Decoded.Ok<>(d, ByteString.emptyByteString()), UdpCodec.decode(bytes));
    }

    @Property
    void decoderNeverThrowsNorAsksForMoreAndAcceptsOnlyCanonicalBytes(@ForAll("anyDatagram") ByteString in) {
        Decoded<UdpDatagram> d;
        try {
            d = UdpCodec.decode(in);
        } catch (RuntimeException e) {
            throw new AssertionError("decoding threw on " + show(in), e);
        }
        if (d instanceof Decoded.Ok<UdpDatagram> ok) {
            assertTrue(ok.rest().isEmpty(), "rest of a datagram is empty: " + show(in));
            assertEquals(show(in), show(UdpCodec.encode(ok.value())), "re-encoding gives the same bytes");
        } else if (d instanceof Decoded.Invalid<UdpDatagram> bad) {
            assertTrue(bad.why() != null && !bad.why().isEmpty(), "Invalid says why");
        } else {
            fail("NeedMore on a whole datagram: " + show(in));
        }
    }

    @Property
    void everyCutInsideTheHeaderIsInvalid(@ForAll("datagrams") UdpDatagram d, @ForAll int cut) {
        ByteString bytes = UdpCodec.encode(d);
        int at = Math.floorMod(cut, UdpCodec.headerLength(d.address()));
        assertInstanceOf(Decoded.Invalid.class, UdpCodec.decode(bytes.take(at)), show(bytes.take(at)));
    }

    // ---- generators ----

    /** Every datagram the record accepts: any FRAG, IPv4, IPv6 or domain address, any port, 0 to MAX_DATA octets. */
    @Provide
    Arbitrary<UdpDatagram> datagrams() {
        return Combinators.combine(Socks5Arbitraries.octet(), Socks5Arbitraries.addresses(), Socks5Arbitraries.ports(),
                ByteArbitraries.bytes(MAX_DATA)).as(UdpDatagram::new);
    }

    /** Anything that may reach a relay port: random bytes, mutated datagrams, datagrams with a random tail. */
    @Provide
    Arbitrary<ByteString> anyDatagram() {
        Arbitrary<ByteString> valid = datagrams().map(UdpCodec::encode);
        return Arbitraries.oneOf(
                ByteArbitraries.bytes(2 * UdpCodec.MAX_HEADER),
                ByteArbitraries.mutated(valid),
                ByteArbitraries.startingWith(valid.map(b -> b.take(UdpCodec.MAX_HEADER)), UdpCodec.MAX_HEADER));
    }
}
