package socks5d.testkit.props;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import org.apache.pekko.util.ByteString;

/**
 * jqwik generators of bad input for the codecs' property tests: arbitrary bytes, valid
 * frames with a few bytes flipped, set, inserted or deleted, and chunkings. Pure; jqwik is a
 * provided dependency, so only test code uses this class.
 */
public final class ByteArbitraries {
    /** Arrays up to this length are built byte by byte, so jqwik can shrink them; longer ones from a seed. */
    private static final int SHRINKABLE = 1024;
    /** At most this many cut positions per chunking: enough for byte-sized and frame-sized chunks alike. */
    private static final int MAX_CUTS = 48;

    private ByteArbitraries() {
    }

    /** Any bytes, 0 to {@code maxSize} of them, short lengths and edge lengths more often. */
    public static Arbitrary<ByteString> bytes(int maxSize) {
        Arbitrary<ByteString> small = Arbitraries.bytes().array(byte[].class)
                .ofMaxSize(Math.min(maxSize, SHRINKABLE))
                .withSizeDistribution(RandomDistribution.biased())
                .map(ByteString::fromArrayUnsafe);
        if (maxSize <= SHRINKABLE) {
            return small;
        }
        Arbitrary<ByteString> large = Combinators.combine(
                Arbitraries.integers().between(SHRINKABLE, maxSize).withDistribution(RandomDistribution.uniform()),
                Arbitraries.longs()).as(ByteArbitraries::seeded);
        return Arbitraries.frequencyOf(Tuple.of(3, small), Tuple.of(1, large));
    }

    /** Bytes that start like a frame: {@code prefix} followed by 0 to {@code maxTail} arbitrary bytes. */
    public static Arbitrary<ByteString> startingWith(Arbitrary<ByteString> prefix, int maxTail) {
        return Combinators.combine(prefix, bytes(maxTail)).as(ByteString::concat);
    }

    /** A valid frame (or frames) with 1 to 4 mutations: bit flips, overwrites, insertions, deletions, truncation. */
    public static Arbitrary<ByteString> mutated(Arbitrary<ByteString> valid) {
        return Combinators.combine(valid, mutation().list().ofMinSize(1).ofMaxSize(4)).as((frame, ms) -> {
            ByteString out = frame;
            for (Mutation m : ms) {
                out = m.apply(out);
            }
            return out;
        });
    }

    /** Cut positions for {@link Chunks#split}: none (one chunk), a few, or many small chunks. */
    public static Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().greaterOrEqual(0).list().ofMaxSize(MAX_CUTS);
    }

    /** One edit of a frame; positions are taken modulo the frame's length, so every edit applies. */
    public record Mutation(Op op, int position, int value) {
        public enum Op { FLIP_BIT, SET, INSERT, DELETE, TRUNCATE }

        public ByteString apply(ByteString frame) {
            List<Byte> b = new ArrayList<>(frame.size() + 1);
            for (int i = 0; i < frame.size(); i++) {
                b.add(frame.apply(i));
            }
            int at = Math.floorMod(position, b.size() + 1);
            switch (op) {
                case FLIP_BIT -> {
                    if (!b.isEmpty()) {
                        int i = Math.min(at, b.size() - 1);
                        b.set(i, (byte) (b.get(i) ^ (1 << Math.floorMod(value, Byte.SIZE))));
                    }
                }
                case SET -> {
                    if (!b.isEmpty()) {
                        b.set(Math.min(at, b.size() - 1), (byte) value);
                    }
                }
                case INSERT -> b.add(at, (byte) value);
                case DELETE -> {
                    if (!b.isEmpty()) {
                        b.remove(Math.min(at, b.size() - 1));
                    }
                }
                case TRUNCATE -> b.subList(at, b.size()).clear();
                default -> throw new AssertionError(op);
            }
            byte[] out = new byte[b.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(i);
            }
            return ByteString.fromArrayUnsafe(out);
        }
    }

    private static Arbitrary<Mutation> mutation() {
        return Combinators.combine(
                Arbitraries.of(Mutation.Op.class),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, 0xFF)).as(Mutation::new);
    }

    private static ByteString seeded(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) random.nextInt(1 << Byte.SIZE);
        }
        return ByteString.fromArrayUnsafe(b);
    }
}
