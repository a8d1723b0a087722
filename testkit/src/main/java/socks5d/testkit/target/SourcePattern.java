package socks5d.testkit.target;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The deterministic byte stream that {@link SourceServer} sends: byte {@code i} of every stream is
 * {@code PATTERN[i % PERIOD]}, a fixed xorshift sequence. Tests recompute it with {@link #at},
 * {@link #crc32c} or verify a received stream on the fly with a {@link Verifier}.
 *
 * <p>Pure and thread-safe: the pattern buffer is built once and only read (through duplicates).
 */
public final class SourcePattern {
    /** A prime period, so the pattern never lines up with power-of-two buffer sizes. */
    public static final int PERIOD = 65_521;
    /** The longest slice {@link #slice} hands out. */
    public static final int MAX_SLICE = 1024 * 1024;
    /** Size of the length request a client sends to {@link SourceServer}: a big-endian 64-bit count. */
    public static final int REQUEST_SIZE = Long.BYTES;
    private static final long SEED = 0x5eed_50c5_5d00_0001L;
    private static final ByteBuffer PATTERN = build();

    private SourcePattern() {
    }

    private static ByteBuffer build() {
        byte[] period = new byte[PERIOD];
        long x = SEED;
        for (int i = 0; i < PERIOD; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            period[i] = (byte) (x >>> 24);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(PERIOD + MAX_SLICE);
        while (buf.hasRemaining()) {
            buf.put(period, 0, Math.min(PERIOD, buf.remaining()));
        }
        buf.flip();
        return buf.asReadOnlyBuffer();
    }

    /** Byte number {@code offset} of the stream. */
    public static byte at(long offset) {
        return PATTERN.get((int) (offset % PERIOD));
    }

    /** A read-only view of stream bytes {@code [offset, offset + length)}, {@code length <= MAX_SLICE}. */
    public static ByteBuffer slice(long offset, int length) {
        if (length < 0 || length > MAX_SLICE) {
            throw new IllegalArgumentException("length " + length);
        }
        int start = (int) (offset % PERIOD);
        return PATTERN.duplicate().position(start).limit(start + length).slice();
    }

    /** The first {@code n} bytes as an array (for small n). */
    public static byte[] bytes(long offset, int n) {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int len = Math.min(MAX_SLICE, n - done);
            slice(offset + done, len).get(out, done, len);
            done += len;
        }
        return out;
    }

    /** CRC32C of the first {@code n} stream bytes. */
    public static long crc32c(long n) {
        CRC32C crc = new CRC32C();
        long off = 0;
        while (off < n) {
            int len = (int) Math.min(MAX_SLICE, n - off);
            crc.update(slice(off, len));
            off += len;
        }
        return crc.getValue();
    }

    /** The 8-byte request asking {@link SourceServer} for {@code n} bytes. */
    public static byte[] request(long n) {
        return ByteBuffer.allocate(REQUEST_SIZE).order(ByteOrder.BIG_ENDIAN).putLong(n).array();
    }

    /** A fresh verifier that checks a stream from offset 0. */
    public static Verifier verifier() {
        return new Verifier();
    }

    /**
     * Checks received bytes against the pattern as they arrive (vectorised comparison, cheap enough for
     * multi-GB/s streams). Threading: confined to one reader.
     */
    public static final class Verifier {
        private long count;
        private long firstMismatch = -1;

        /** Checks {@code data}'s remaining bytes (consumes them); returns false once any byte was wrong. */
        public boolean update(ByteBuffer data) {
            while (data.hasRemaining()) {
                int len = Math.min(MAX_SLICE, data.remaining());
                ByteBuffer got = data.slice().limit(len);
                if (firstMismatch < 0) {
                    int at = got.mismatch(slice(count, len));
                    if (at >= 0) {
                        firstMismatch = count + at;
                    }
                }
                count += len;
                data.position(data.position() + len);
            }
            return firstMismatch < 0;
        }

        /** Checks {@code len} bytes of {@code data} from {@code off}. */
        public boolean update(byte[] data, int off, int len) {
            return update(ByteBuffer.wrap(data, off, len));
        }

        /** Bytes checked so far. */
        public long count() {
            return count;
        }

        /** Offset of the first wrong byte, or -1 when all were right. */
        public long firstMismatch() {
            return firstMismatch;
        }

        /** True when all bytes were right and exactly {@code expected} arrived. */
        public boolean matches(long expected) {
            return firstMismatch < 0 && count == expected;
        }
    }
}
