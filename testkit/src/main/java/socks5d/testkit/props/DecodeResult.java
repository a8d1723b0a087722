package socks5d.testkit.props;

import java.util.Objects;

import org.apache.pekko.util.ByteString;

/**
 * One decoder call's result with the codec's own {@code Decoded} type left behind, so that the
 * laws in {@link DecoderLaws} serve every module's codecs (each module has its own sealed
 * {@code Decoded}). Pure value.
 *
 * @param kind  which of the three results
 * @param value the decoded message for {@link Kind#OK}, else null
 * @param rest  the bytes after the message for {@link Kind#OK}, else null
 * @param why   the reason for {@link Kind#INVALID}, else null
 */
public record DecodeResult(Kind kind, Object value, ByteString rest, String why) {
    /**
     * As {@code socks5d.wire.Decoded}: {@code Ok(value, rest)}, {@code NeedMore} or
     * {@code Invalid(why)}.
     */
    public enum Kind { OK, NEED_MORE, INVALID }

    public DecodeResult {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.OK && (value == null || rest == null)) {
            throw new IllegalArgumentException("Ok carries a value and the rest");
        }
    }

    public static DecodeResult ok(Object value, ByteString rest) {
        return new DecodeResult(Kind.OK, value, rest, null);
    }

    public static DecodeResult needMore() {
        return new DecodeResult(Kind.NEED_MORE, null, null, null);
    }

    public static DecodeResult invalid(String why) {
        return new DecodeResult(Kind.INVALID, null, null, why);
    }
}
