package socks5d.testkit.props;

import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.util.ByteString;

/**
 * Splits bytes into the chunks a TCP read could deliver them in, at cut positions a property
 * generates: each cut is taken modulo {@code size + 1} and the cuts are sorted, so any list of
 * integers is a valid chunking; repeated cuts give empty chunks, which a stream may also see.
 * Pure.
 */
public final class Chunks {
    private Chunks() {
    }

    public static List<ByteString> split(ByteString bytes, List<Integer> cuts) {
        int[] at = cuts.stream().mapToInt(c -> Math.floorMod(c, bytes.size() + 1)).sorted().toArray();
        List<ByteString> chunks = new ArrayList<>(at.length + 1);
        int from = 0;
        for (int cut : at) {
            chunks.add(bytes.slice(from, cut));
            from = cut;
        }
        chunks.add(bytes.drop(from));
        return chunks;
    }
}
