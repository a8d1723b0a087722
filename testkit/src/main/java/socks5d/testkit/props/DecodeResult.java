package socks5d.testkit.props;

import java.util.Objects;

import org.apache.pekko.util.ByteString;

import socks5d.wire.Decoded;

/**
 * One decoder call's result as a plain value ({@link Decoded} with its type parameter left behind),
 * so that the laws in {@link DecoderLaws} and the round-trip checks serve every codec (SOCKS5, MCP,
 * MASS, PCTP) alike. Pure value.
 *
 * @param kind  which of the three results
 * @param value the decoded message for {@link Kind#OK}, else null
 * @param rest  the bytes after the message for {@link Kind#OK}, else null
 * @param why   the reason for {@link Kind#INVALID}, else null
 */
public record DecodeResult(Kind kind, Object value, ByteString rest, String why) {
    /** As {@link Decoded}: {@code Ok(value, rest)}, {@code NeedMore} or {@code Invalid(why)}. */
    public enum Kind { OK, NEED_MORE, INVALID }

    public DecodeResult {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.OK && (value == null || rest == null)) {
            throw new IllegalArgumentException("Ok carries a value and the rest");
        }
    }

    /** The same result as a plain value. */
    public static DecodeResult of(Decoded<?> d) {
        if (d instanceof Decoded.Ok<?> ok) {
            return ok(ok.value(), ok.rest());
        }
        if (d instanceof Decoded.Invalid<?> bad) {
            return invalid(bad.why());
        }
        return needMore();
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
