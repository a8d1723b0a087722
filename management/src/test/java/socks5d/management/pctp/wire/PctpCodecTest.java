package socks5d.management.pctp.wire;

import socks5d.wire.Decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static socks5d.testkit.bytes.Hex.ascii;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PctpCodecTest {
    private static final int MAX = PctpCodec.DEFAULT_MAX_LINE;
    /** A pipelined next line that must come back as {@code rest}. */
    private static final ByteString NEXT = ascii("LIST\n");

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("LF", hex("""
                        53 54 41 54 53  # "STATS"
                        0a              # LF
                        """), "STATS"),
                Arguments.of("CRLF", hex("""
                        55 53 45 52 20 61  # "USER a"
                        0d 0a              # CRLF
                        """), "USER a"),
                Arguments.of("empty line", hex("0a  # LF"), ""),
                Arguments.of("lone CR kept inside", hex("""
                        61 0d 62  # "a", CR, "b"
                        0a        # LF
                        """), "a\rb"),
                Arguments.of("longest line, CRLF", ascii("P".repeat(MAX) + "\r\n"), "P".repeat(MAX)),
                Arguments.of("longest line, LF", ascii("P".repeat(MAX) + "\n"), "P".repeat(MAX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void framesWholeLine(String name, ByteString bytes, String text) {
        assertEquals(new Decoded.Ok<>(new PctpLine.Text(text), ByteString.emptyByteString()),
                PctpCodec.decodeLine(bytes, MAX));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void framesLineSplitAtEveryOffset(String name, ByteString bytes, String text) {
        for (int k = 1; k < bytes.size(); k++) {
            assertInstanceOf(Decoded.NeedMore.class, PctpCodec.decodeLine(bytes.take(k), MAX), "prefix " + k);
            assertEquals(new Decoded.Ok<>(new PctpLine.Text(text), ByteString.emptyByteString()),
                    PctpCodec.decodeLine(bytes.take(k).concat(bytes.drop(k)), MAX), "split at " + k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void framesLineByteByByte(String name, ByteString bytes, String text) {
        ByteString buffer = ByteString.emptyByteString();
        for (int i = 0; i < bytes.size() - 1; i++) {
            buffer = buffer.concat(bytes.slice(i, i + 1));
            assertInstanceOf(Decoded.NeedMore.class, PctpCodec.decodeLine(buffer, MAX), "after byte " + i);
        }
        assertEquals(new Decoded.Ok<>(new PctpLine.Text(text), ByteString.emptyByteString()),
                PctpCodec.decodeLine(buffer.concat(bytes.drop(bytes.size() - 1)), MAX));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void framesLineAndLeavesPipelinedNextAsRest(String name, ByteString bytes, String text) {
        assertEquals(new Decoded.Ok<>(new PctpLine.Text(text), NEXT), PctpCodec.decodeLine(bytes.concat(NEXT), MAX));
    }

    @Test
    void aLineOverTheLimitIsTooLongWithItsRest() {
        assertEquals(new Decoded.Ok<>(new PctpLine.TooLong(true), NEXT),
                PctpCodec.decodeLine(ascii("P".repeat(MAX + 1) + "\n").concat(NEXT), MAX));
        assertEquals(new Decoded.Ok<>(new PctpLine.TooLong(false), ascii("\n")),
                PctpCodec.decodeLine(ascii("P".repeat(MAX) + "x\r\n"), MAX),
                "its LF lies past the 1024 + CRLF window: the reader skips to it");
    }

    @Test
    void anUnterminatedLineIsTooLongAsSoonAsItPassesTheLimit() {
        assertInstanceOf(Decoded.NeedMore.class, PctpCodec.decodeLine(ascii("P".repeat(MAX) + "\r"), MAX),
                "1024 bytes and CR may still end in LF");
        assertEquals(new Decoded.Ok<>(new PctpLine.TooLong(false), ByteString.emptyByteString()),
                PctpCodec.decodeLine(ascii("P".repeat(MAX + 2)), MAX));
        assertEquals(new Decoded.Ok<>(new PctpLine.TooLong(false), ascii("P".repeat(100_000 - MAX - 2))),
                PctpCodec.decodeLine(ascii("P".repeat(100_000)), MAX), "looks no further than the limit");
    }

    @Test
    void skipsToTheEndOfALine() {
        assertEquals(Optional.empty(), PctpCodec.skipLine(ascii("PPPP")));
        assertEquals(Optional.of(NEXT), PctpCodec.skipLine(ascii("PP\r\n").concat(NEXT)));
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("USER admin", new PctpCommand.User("admin")),
                Arguments.of("user admin", new PctpCommand.User("admin")),
                Arguments.of("PASS pass word", new PctpCommand.Pass("pass word")),
                Arguments.of("STATS", PctpCommand.Stats.INSTANCE),
                Arguments.of("LOGS", new PctpCommand.Logs(OptionalInt.empty())),
                Arguments.of("LOGS 5", new PctpCommand.Logs(OptionalInt.of(5))),
                Arguments.of("LOGS 0", new PctpCommand.Logs(OptionalInt.of(0))),
                Arguments.of("CONFIG IO=8000", new PctpCommand.ConfigIo(8000)),
                Arguments.of("ADD ADMIN", new PctpCommand.Add(PctpRole.ADMIN)),
                Arguments.of("ADD BASIC", new PctpCommand.Add(PctpRole.BASIC)),
                Arguments.of("DEL basic123", new PctpCommand.Del("basic123")),
                Arguments.of("LIST", PctpCommand.ListUsers.INSTANCE),
                Arguments.of("EXIT", PctpCommand.Exit.INSTANCE),
                Arguments.of("LIMITS", PctpCommand.ListLimits.INSTANCE),
                Arguments.of("LIMIT 4 250000 bob smith", new PctpCommand.Limit(4, 250_000, "bob smith")),
                Arguments.of("limit - 0 alice", new PctpCommand.Limit(-1, 0, "alice")),
                Arguments.of("LIMIT 4 alice", new PctpCommand.Malformed("LIMIT", "expected SESSIONS BANDWIDTH NAME")),
                Arguments.of("LIMIT", new PctpCommand.Malformed("LIMIT", "expected SESSIONS BANDWIDTH NAME")),
                Arguments.of("LIMIT -1 5 alice", new PctpCommand.Malformed("LIMIT", "a limit is a number or -")),
                Arguments.of("LIMIT 1 x alice", new PctpCommand.Malformed("LIMIT", "a limit is a number or -")),
                Arguments.of("LIMIT 99999999999 1 alice", new PctpCommand.Malformed("LIMIT", "a limit is a number or -")),
                Arguments.of("LIMITS all", new PctpCommand.Malformed("LIMITS", "takes no argument")),
                Arguments.of("QUIT", new PctpCommand.Unknown("QUIT")),
                Arguments.of("", new PctpCommand.Unknown("")),
                Arguments.of("USER", new PctpCommand.Malformed("USER", "argument missing")),
                Arguments.of("USER ", new PctpCommand.Malformed("USER", "argument missing")),
                Arguments.of("USER " + "u".repeat(256),
                        new PctpCommand.Malformed("USER", "argument longer than 255 bytes")),
                Arguments.of("STATS now", new PctpCommand.Malformed("STATS", "takes no argument")),
                Arguments.of("LIST all", new PctpCommand.Malformed("LIST", "takes no argument")),
                Arguments.of("EXIT 1", new PctpCommand.Malformed("EXIT", "takes no argument")),
                Arguments.of("LOGS -1", new PctpCommand.Malformed("LOGS", "N must be a number from 0 to 2147483647")),
                Arguments.of("LOGS 99999999999",
                        new PctpCommand.Malformed("LOGS", "N must be a number from 0 to 2147483647")),
                Arguments.of("CONFIG BUF=1", new PctpCommand.Malformed("CONFIG", "only IO=<bytes> is supported")),
                Arguments.of("CONFIG IO=lots", new PctpCommand.Malformed("CONFIG", "IO must be a number of bytes")),
                Arguments.of("ADD ROOT", new PctpCommand.Malformed("ADD", "role must be ADMIN or BASIC")),
                Arguments.of("ADD", new PctpCommand.Malformed("ADD", "role must be ADMIN or BASIC")));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("commands")
    void parsesCommands(String line, PctpCommand expected) {
        assertEquals(expected, PctpCodec.parse(line));
    }

    @Test
    void encodesStatusLines() {
        assertEquals(show(hex("""
                2b 4f 4b                # "+OK"
                20                      # SP
                44 6f 6e 65             # "Done"
                0a                      # LF
                """)), show(PctpCodec.encode(new PctpReply.Ok("Done"))));
        assertEquals(show(hex("""
                2d 45 52 52             # "-ERR"
                20                      # SP
                42 61 64                # "Bad"
                0a                      # LF
                """)), show(PctpCodec.encode(new PctpReply.Err("Bad"))));
    }

    @Test
    void encodesMultiLineRepliesEndingWithAnEmptyLine() {
        assertEquals(show(ascii("+OK Sending user list...\nadmin\tAdmin\nbob\tBasic\n\n")),
                show(PctpCodec.encode(new PctpReply.OkLines("Sending user list...",
                        List.of("admin\tAdmin", "bob\tBasic")))));
        assertEquals(show(hex("""
                2b 4f 4b 20 78  # "+OK x"
                0a              # LF ends the status line
                0a              # LF: empty line ends the reply
                """)), show(PctpCodec.encode(new PctpReply.OkLines("x", List.of()))));
    }

    @Test
    void repliesCannotSmuggleLines() {
        assertThrows(IllegalArgumentException.class, () -> new PctpReply.Ok("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> new PctpReply.Err("a\r"));
        assertThrows(IllegalArgumentException.class, () -> new PctpReply.OkLines("x", List.of("")));
        assertThrows(IllegalArgumentException.class, () -> new PctpCommand.User("u".repeat(256)));
        assertEquals("Pass[***]", new PctpCommand.Pass("secret").toString());
    }
}
