package socks5d.proxy.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.pekko.util.ByteString;

/**
 * A captured exchange for the dissector tests: client and server bytes in the order they crossed
 * the relay. {@link #everyWay} feeds it to fresh dissectors whole, split at every offset and byte by
 * byte, as the relay would (a dissector that is done is fed no more), and checks that each way
 * reports the same credentials and ends in the same done state. Test helper; pure.
 */
final class Conversation {
    enum Side { CLIENT, SERVER }

    record Turn(Side side, ByteString bytes) {
    }

    /** What feeding a conversation produced. */
    record Outcome(List<Credential> reports, boolean done) {
    }

    private final List<Turn> turns;

    private Conversation(List<Turn> turns) {
        this.turns = turns;
    }

    static Conversation of(Turn... turns) {
        return new Conversation(List.of(turns));
    }

    static Turn client(String text) {
        return new Turn(Side.CLIENT, ByteString.fromString(text, StandardCharsets.UTF_8));
    }

    static Turn client(ByteString bytes) {
        return new Turn(Side.CLIENT, bytes);
    }

    static Turn server(String text) {
        return new Turn(Side.SERVER, ByteString.fromString(text, StandardCharsets.UTF_8));
    }

    static Turn server(ByteString bytes) {
        return new Turn(Side.SERVER, bytes);
    }

    int size() {
        return turns.stream().mapToInt(t -> t.bytes().size()).sum();
    }

    /** Every turn as one chunk. */
    Outcome whole(Dissector d) {
        List<Credential> reports = new ArrayList<>();
        for (Turn t : turns) {
            feed(d, t.side(), t.bytes(), reports);
        }
        return new Outcome(reports, d.done());
    }

    /** The turn holding byte {@code offset} of the whole conversation is cut there into two chunks. */
    Outcome splitAt(Dissector d, int offset) {
        List<Credential> reports = new ArrayList<>();
        int start = 0;
        for (Turn t : turns) {
            int cut = offset - start;
            if (cut > 0 && cut < t.bytes().size()) {
                feed(d, t.side(), t.bytes().take(cut), reports);
                feed(d, t.side(), t.bytes().drop(cut), reports);
            } else {
                feed(d, t.side(), t.bytes(), reports);
            }
            start += t.bytes().size();
        }
        return new Outcome(reports, d.done());
    }

    Outcome byteByByte(Dissector d) {
        List<Credential> reports = new ArrayList<>();
        for (Turn t : turns) {
            for (int i = 0; i < t.bytes().size(); i++) {
                feed(d, t.side(), t.bytes().slice(i, i + 1), reports);
            }
        }
        return new Outcome(reports, d.done());
    }

    /** Feeds the conversation whole, split at every offset and byte by byte; all must agree. */
    Outcome everyWay(Supplier<Dissector> dissector) {
        Outcome whole = whole(dissector.get());
        for (int offset = 1; offset < size(); offset++) {
            assertEquals(whole, splitAt(dissector.get(), offset), "split at offset " + offset);
        }
        assertEquals(whole, byteByByte(dissector.get()), "byte by byte");
        return whole;
    }

    private static void feed(Dissector d, Side side, ByteString bytes, List<Credential> reports) {
        if (d.done()) {
            return; // as Dissectors does: a dissector that is done is fed no more
        }
        if (side == Side.CLIENT) {
            d.onClientBytes(bytes, reports::add);
        } else {
            d.onServerBytes(bytes, reports::add);
        }
    }
}
