package socks5d.management.pctp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import socks5d.management.ManagementFixture;
import socks5d.management.pctp.wire.PctpLine;

/** docs/protocols/pctp.md, Lines. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class PctpFramingTest {
    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private List<PctpLine> frame(int maxLine, String... chunks) {
        return ManagementFixture.frames(testKit, PctpFraming.lines(maxLine),
                List.of(chunks).stream().map(ByteString::fromString).toList());
    }

    @Test
    void framesLinesAcrossChunks() {
        assertEquals(List.of(new PctpLine.Text("USER admin"), new PctpLine.Text("PASS x"), new PctpLine.Text("LIST")),
                frame(16, "US", "ER admin\r", "\nPASS x\nLI", "ST\n", "LEFTOVER"));
    }

    @Test
    void splitsTwoLinesOfOneChunk() {
        assertEquals(List.of(new PctpLine.Text("STATS"), new PctpLine.Text("EXIT")), frame(16, "STATS\r\nEXIT\n"));
    }

    @Test
    void passesALineOfTheMaximumLengthWithEitherTerminator() {
        assertEquals(List.of(new PctpLine.Text("01234567"), new PctpLine.Text("abcdefgh")),
                frame(8, "01234567\r\n", "abcdefgh\n"));
    }

    @Test
    void refusesALineOneOctetOverTheMaximum() {
        // With CRLF the line is judged before its LF arrives (maxLine + 2 octets hold no LF): its
        // rest, the LF, is then dropped.
        assertEquals(List.of(new PctpLine.TooLong(true), new PctpLine.TooLong(false), new PctpLine.Text("EXIT")),
                frame(8, "012345678\n", "abcdefghi\r\n", "EXIT\n"));
    }

    @Test
    void reportsALongLineOnceAndResumesAfterItsLf() {
        assertEquals(List.of(new PctpLine.TooLong(false), new PctpLine.Text("STATS"), new PctpLine.TooLong(true),
                        new PctpLine.Text("EXIT")),
                frame(8, "0123456789", "0123456789", "0123\nSTATS\n", "012345678\nEXIT\n"));
    }
}
