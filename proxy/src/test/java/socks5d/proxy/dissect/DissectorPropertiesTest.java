package socks5d.proxy.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.apache.pekko.util.ByteString;

import socks5d.testkit.props.ByteArbitraries;
import socks5d.testkit.props.Chunks;
import socks5d.testkit.props.TextArbitraries;

/**
 * Property tests of the password dissectors (bad input; docs/protocols/socks5.md, Credential
 * lines): fed any bytes in both directions, in any chunks, a dissector never throws, and what it
 * reports and whether it is done depend only on the bytes of each direction and the order in which
 * the two directions took turns, never on how each turn was split into reads.
 */
final class DissectorPropertiesTest {

    /** One turn of a conversation: bytes one side sent before the other side's next bytes. */
    record Turn(boolean fromClient, ByteString bytes) {
    }

    /** What a dissector made of a conversation. */
    record Verdict(List<Credential> reports, boolean done) {
    }

    @Property
    void pop3ReportsDoNotDependOnChunking(@ForAll("conversations") List<Turn> turns, @ForAll("cuts") List<Integer> cuts) {
        sameVerdict(Pop3Dissector::new, turns, cuts);
    }

    @Property
    void ftpReportsDoNotDependOnChunking(@ForAll("conversations") List<Turn> turns, @ForAll("cuts") List<Integer> cuts) {
        sameVerdict(FtpDissector::new, turns, cuts);
    }

    @Property
    void httpBasicReportsDoNotDependOnChunking(@ForAll("conversations") List<Turn> turns,
                                               @ForAll("cuts") List<Integer> cuts) {
        sameVerdict(HttpBasicDissector::new, turns, cuts);
    }

    /** All dissectors together, with an inspection budget that may end in the middle of a read. */
    @Property
    void sessionReportsDoNotDependOnChunking(@ForAll("conversations") List<Turn> turns,
                                             @ForAll("cuts") List<Integer> cuts,
                                             @ForAll @IntRange(min = 0, max = 4096) int inspectBytes) {
        sameVerdict(() -> Dissectors.forSession(inspectBytes), turns, cuts);
    }

    static void sameVerdict(Supplier<Dissector> dissector, List<Turn> turns, List<Integer> cuts) {
        Verdict whole = run(dissector.get(), turns, List.of());
        Verdict chunked = run(dissector.get(), turns, cuts);
        assertEquals(whole, chunked, "turns " + turns + " cut at " + cuts);
    }

    /** Feeds each turn split at the next cuts (none: one read per turn), as the relay would. */
    static Verdict run(Dissector d, List<Turn> turns, List<Integer> cuts) {
        List<Credential> reports = new ArrayList<>();
        Iterator<Integer> cut = cuts.iterator();
        for (Turn t : turns) {
            List<Integer> turnCuts = new ArrayList<>();
            for (int i = 0; i < 4 && cut.hasNext(); i++) {
                turnCuts.add(cut.next());
            }
            for (ByteString read : Chunks.split(t.bytes(), turnCuts)) {
                if (t.fromClient()) {
                    d.onClientBytes(read, reports::add);
                } else {
                    d.onServerBytes(read, reports::add);
                }
            }
        }
        return new Verdict(reports, d.done());
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return ByteArbitraries.cuts();
    }

    @Provide
    Arbitrary<List<Turn>> conversations() {
        return turn().list().ofMaxSize(8);
    }

    private static Arbitrary<Turn> turn() {
        Arbitrary<ByteString> text = line().list().ofMinSize(1).ofMaxSize(6)
                .flatMap(lines -> Arbitraries.of("\r\n", "\n").map(eol -> {
                    StringBuilder s = new StringBuilder();
                    lines.forEach(l -> s.append(l).append(eol));
                    return ByteString.fromString(s.toString(), StandardCharsets.UTF_8);
                }));
        Arbitrary<ByteString> bytes = Arbitraries.oneOf(text, text, text,
                ByteArbitraries.mutated(text), ByteArbitraries.bytes(2 * FtpDissector.MAX_LINE + 8),
                longLine());
        return Combinators.combine(Arbitraries.of(true, false), bytes).as(Turn::new);
    }

    /** Lines of POP3, FTP and HTTP logins, with their answers, and some noise. */
    private static Arbitrary<String> line() {
        Arbitrary<String> word = TextArbitraries.utf8(12).map(s -> s.replace("\n", "").replace("\r", ""));
        Arbitrary<String> basic = Combinators.combine(word, word).as((u, p) ->
                "Authorization: Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8)));
        Arbitrary<String> fixed = Arbitraries.of("+OK ready", "+OK", "-ERR no", "220 FTP ready", "220-hello", "220 end",
                "230 logged in", "331 password please", "530 no", "150 opening", "QUIT", "STLS", "AUTH TLS", "CAPA",
                "GET / HTTP/1.1", "POST /x HTTP/1.0", "Host: example", "", "Authorization: Basic !!!",
                "authorization: basic YTpi", "USER", "PASS");
        Arbitrary<String> withArg = Combinators.combine(Arbitraries.of("USER ", "PASS ", "APOP ", "user ", "pass "), word)
                .as(String::concat);
        return Arbitraries.oneOf(fixed, fixed, withArg, withArg, basic, word);
    }

    /** A line around the dissectors' longest ({@link Pop3Dissector#MAX_LINE}, {@link HttpBasicDissector#MAX_LINE}). */
    private static Arbitrary<ByteString> longLine() {
        return Combinators.combine(
                Arbitraries.of(Pop3Dissector.MAX_LINE, HttpBasicDissector.MAX_LINE),
                Arbitraries.integers().between(-2, 2),
                Arbitraries.of("\n", "\r\n", "")).as((max, delta, eol) ->
                        ByteString.fromString("USER " + "a".repeat(max + delta - 5) + eol, StandardCharsets.US_ASCII));
    }
}
