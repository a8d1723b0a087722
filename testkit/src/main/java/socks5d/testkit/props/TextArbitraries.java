package socks5d.testkit.props;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of the names and passwords the codecs carry: strings whose UTF-8
 * form takes 1 to {@code maxBytes} octets, mixing ASCII, Latin-1, the rest of the BMP and
 * supplementary code points (never a lone surrogate, which has no UTF-8 form). Pure.
 */
public final class TextArbitraries {
    private static final int MIN_SUPPLEMENTARY = 0x10000;

    private TextArbitraries() {
    }

    /** A string of 1 to {@code maxBytes} UTF-8 octets; plain ASCII ones reach the limit exactly more often. */
    public static Arbitrary<String> utf8(int maxBytes) {
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(maxBytes)
                .withLengthDistribution(RandomDistribution.biased());
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 0x7F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(2, Arbitraries.integers().between(0x800, Character.MAX_VALUE)
                        .filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)),
                Tuple.of(1, Arbitraries.integers().between(MIN_SUPPLEMENTARY, Character.MAX_CODE_POINT)));
        Arbitrary<String> mixed = codePoint.list().ofMinSize(1).ofMaxSize(maxBytes)
                .withSizeDistribution(RandomDistribution.biased())
                .map(cps -> fit(cps, maxBytes));
        return Arbitraries.oneOf(ascii, mixed);
    }

    /** A string of 1 to {@code maxLength} chars U+0000..U+00FF: one ISO-8859-1 octet each, as SOCKS5 DOMAINNAME. */
    public static Arbitrary<String> latin1(int maxLength) {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(1).ofMaxLength(maxLength)
                .withLengthDistribution(RandomDistribution.biased());
    }

    /** The longest prefix of the code points whose UTF-8 form fits {@code maxBytes}; never empty. */
    private static String fit(java.util.List<Integer> codePoints, int maxBytes) {
        StringBuilder s = new StringBuilder();
        int bytes = 0;
        for (int cp : codePoints) {
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > maxBytes) {
                break;
            }
            s.appendCodePoint(cp);
            bytes += n;
        }
        return s.isEmpty() ? "a" : s.toString();
    }
}
