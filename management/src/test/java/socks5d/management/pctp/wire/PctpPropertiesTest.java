package socks5d.management.pctp.wire;

import socks5d.wire.Decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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
import socks5d.testkit.props.DecoderLaws;
import socks5d.testkit.props.TextArbitraries;

/**
 * Property tests of {@link PctpCodec} (bad input; docs/protocols/pctp.md, Lines): the line framer
 * obeys {@link DecoderLaws} (a frame is at most {@code maxLine} bytes, CR and LF), the framing loop
 * of the PCTP server (decodeLine, then skipLine after an unterminated long line) gives the same
 * lines whatever the chunking and never holds more than {@code maxLine + 1} bytes between reads,
 * parsing never throws, and every command line and reply survives encode-then-decode. The
 * byte-exact cases stay in {@link PctpCodecTest}.
 */
final class PctpPropertiesTest {
    /**
     * A small limit alongside the default of 1024 (docs/protocols/pctp.md, Lines), so that long
     * lines are common.
     */
    private static final int SMALL_MAX_LINE = 16;

    @Property
    void lineDecoderObeysTheLawsOnAnyInput(@ForAll("input") ByteString in, @ForAll("cuts") List<Integer> cuts,
                                           @ForAll("maxLines") int maxLine) {
        DecoderLaws.check(DecoderLaws.decoder(bytes -> PctpCodec.decodeLine(bytes, maxLine)), maxLine + 2, in, cuts);
    }

    @Property
    void serverFramingDoesNotDependOnChunkingAndStaysBounded(@ForAll("input") ByteString in,
                                                            @ForAll("cuts") List<Integer> cuts,
                                                            @ForAll("maxLines") int maxLine) {
        assertEquals(frame(List.of(in), maxLine), frame(Chunks.split(in, cuts), maxLine));
    }

    @Property
    void parsingNeverThrows(@ForAll("input") ByteString in) {
        PctpCommand c = PctpCodec.parse(in.decodeString(StandardCharsets.UTF_8));
        assertTrue(c != null);
    }

    @Property
    void everyCommandLineParsesBack(@ForAll("commands") PctpCommand command, @ForAll("lineEnds") String eol,
                                    @ForAll("caseChanges") boolean lower) {
        String line = line(command);
        ByteString bytes = ByteString.fromString((lower ? lowerKeyword(line) : line) + eol, StandardCharsets.UTF_8);
        Decoded<PctpLine> d = PctpCodec.decodeLine(bytes.concat(ByteString.fromString("STATS\n")),
                PctpCodec.DEFAULT_MAX_LINE);
        Decoded.Ok<PctpLine> ok = (Decoded.Ok<PctpLine>) d;
        assertEquals(ByteString.fromString("STATS\n"), ok.rest());
        assertEquals(command, PctpCodec.parse(((PctpLine.Text) ok.value()).text()));
    }

    @Property
    void everyReplyReadsBackLineByLine(@ForAll("replies") PctpReply reply) {
        List<ByteString> chunks = List.of(PctpCodec.encode(reply));
        List<String> lines = new ArrayList<>();
        for (Object l : frame(chunks, Integer.MAX_VALUE - 2).lines()) {
            lines.add(((PctpLine.Text) l).text());
        }
        List<String> expected = new ArrayList<>();
        if (reply instanceof PctpReply.Ok ok) {
            expected.add(ok.text().isEmpty() ? "+OK" : "+OK " + ok.text());
        } else if (reply instanceof PctpReply.Err err) {
            expected.add(err.text().isEmpty() ? "-ERR" : "-ERR " + err.text());
        } else if (reply instanceof PctpReply.OkLines multi) {
            expected.add(multi.text().isEmpty() ? "+OK" : "+OK " + multi.text());
            expected.addAll(multi.lines());
            expected.add("");
        }
        assertEquals(expected, lines);
    }

    /** The lines the server reads, and whether a long line is still being skipped at the end. */
    record Framed(List<PctpLine> lines, boolean skipping) {
    }

    /**
     * The framing loop of {@code PctpServer.lines}: append each read, skip to the next LF after
     * an unterminated long line, take lines until NeedMore. Checks the bound after every read.
     */
    static Framed frame(List<ByteString> chunks, int maxLine) {
        ByteString buffer = ByteString.emptyByteString();
        boolean skipping = false;
        List<PctpLine> out = new ArrayList<>();
        for (ByteString chunk : chunks) {
            buffer = buffer.concat(chunk);
            while (true) {
                if (skipping) {
                    Optional<ByteString> rest = PctpCodec.skipLine(buffer);
                    if (rest.isEmpty()) {
                        buffer = ByteString.emptyByteString();
                        break;
                    }
                    buffer = rest.get();
                    skipping = false;
                }
                Decoded<PctpLine> d = PctpCodec.decodeLine(buffer, maxLine);
                if (!(d instanceof Decoded.Ok<PctpLine> ok)) {
                    break;
                }
                out.add(ok.value());
                buffer = ok.rest();
                skipping = ok.value() instanceof PctpLine.TooLong tooLong && !tooLong.terminated();
            }
            assertTrue((long) buffer.size() <= (long) maxLine + 1,
                    "holds " + buffer.size() + " bytes between reads, limit " + maxLine);
        }
        return new Framed(out, skipping);
    }


    private static String line(PctpCommand c) {
        if (c instanceof PctpCommand.User u) {
            return "USER " + u.name();
        } else if (c instanceof PctpCommand.Pass p) {
            return "PASS " + p.password();
        } else if (c instanceof PctpCommand.Del d) {
            return "DEL " + d.name();
        } else if (c instanceof PctpCommand.Logs l) {
            return l.count().isPresent() ? "LOGS " + l.count().getAsInt() : "LOGS";
        } else if (c instanceof PctpCommand.ConfigIo io) {
            return "CONFIG IO=" + io.bytes();
        } else if (c instanceof PctpCommand.Add a) {
            return "ADD " + a.role().keyword();
        } else if (c == PctpCommand.Stats.INSTANCE) {
            return "STATS";
        } else if (c == PctpCommand.ListUsers.INSTANCE) {
            return "LIST";
        }
        return "EXIT";
    }

    private static String lowerKeyword(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line.toLowerCase(java.util.Locale.ROOT)
                : line.substring(0, space).toLowerCase(java.util.Locale.ROOT) + line.substring(space);
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return ByteArbitraries.cuts();
    }

    @Provide
    Arbitrary<Integer> maxLines() {
        return Arbitraries.of(SMALL_MAX_LINE, PctpCodec.DEFAULT_MAX_LINE);
    }

    @Provide
    Arbitrary<String> lineEnds() {
        return Arbitraries.of("\n", "\r\n");
    }

    @Provide
    Arbitrary<Boolean> caseChanges() {
        return Arbitraries.of(true, false);
    }

    /** Random bytes, mutated command lines, and runs of one byte around the limits with CR and LF mixed in. */
    @Provide
    Arbitrary<ByteString> input() {
        Arbitrary<ByteString> lines = Combinators.combine(commands().list().ofMinSize(1).ofMaxSize(4), lineEnds())
                .as((cs, eol) -> {
                    StringBuilder s = new StringBuilder();
                    cs.forEach(c -> s.append(line(c)).append(eol));
                    return ByteString.fromString(s.toString(), StandardCharsets.UTF_8);
                });
        Arbitrary<ByteString> runs = Combinators.combine(
                Arbitraries.integers().between(0, 2 * PctpCodec.DEFAULT_MAX_LINE + 4),
                Arbitraries.of("", "\n", "\r", "\r\n", "\n\n", "x\n"),
                Arbitraries.integers().between(0, 3)).as((n, tail, times) ->
                        ByteString.fromString(("a".repeat(n) + tail).repeat(times + 1), StandardCharsets.US_ASCII));
        return Arbitraries.oneOf(ByteArbitraries.bytes(2 * (PctpCodec.DEFAULT_MAX_LINE + 2)),
                ByteArbitraries.mutated(lines), runs, ByteArbitraries.mutated(runs));
    }

    @Provide
    Arbitrary<PctpCommand> commands() {
        Arbitrary<String> arg = TextArbitraries.utf8(PctpCodec.MAX_ARGUMENT)
                .filter(s -> s.indexOf('\n') < 0 && s.indexOf('\r') < 0);
        Arbitrary<Integer> number = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        return Arbitraries.oneOf(
                arg.map(PctpCommand.User::new), arg.map(PctpCommand.Pass::new), arg.map(PctpCommand.Del::new),
                number.map(n -> new PctpCommand.Logs(OptionalInt.of(n))),
                Arbitraries.just(new PctpCommand.Logs(OptionalInt.empty())),
                number.map(PctpCommand.ConfigIo::new),
                Arbitraries.of(PctpRole.class).map(PctpCommand.Add::new),
                Arbitraries.of(PctpCommand.Stats.INSTANCE, PctpCommand.ListUsers.INSTANCE, PctpCommand.Exit.INSTANCE));
    }

    @Provide
    Arbitrary<PctpReply> replies() {
        Arbitrary<String> text = TextArbitraries.utf8(64).map(s -> s.replace("\n", " ").replace("\r", " "));
        Arbitrary<String> maybeEmpty = Arbitraries.oneOf(text, Arbitraries.just(""));
        return Arbitraries.oneOf(
                maybeEmpty.map(PctpReply.Ok::new),
                maybeEmpty.map(PctpReply.Err::new),
                Combinators.combine(maybeEmpty, text.list().ofMaxSize(8)).as(PctpReply.OkLines::new));
    }
}
