package socks5d.management.pctp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import socks5d.management.ManagementFixture;
import socks5d.management.pctp.wire.PctpLine;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class PctpServerTest {
    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private List<PctpLine> frame(int maxLine, String... chunks) {
        return Source.from(List.of(chunks)).map(ByteString::fromString)
                .via(PctpServer.lines(maxLine))
                .runWith(Sink.seq(), testKit.system())
                .toCompletableFuture().orTimeout(ManagementFixture.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .join();
    }

    @Test
    void framesLinesAcrossChunks() {
        assertEquals(List.of(new PctpLine.Text("USER admin"), new PctpLine.Text("PASS x"), new PctpLine.Text("LIST")),
                frame(16, "US", "ER admin\r", "\nPASS x\nLI", "ST\n", "LEFTOVER"));
    }

    @Test
    void reportsALongLineOnceAndResumesAfterItsLf() {
        assertEquals(List.of(new PctpLine.TooLong(false), new PctpLine.Text("STATS"), new PctpLine.TooLong(true),
                        new PctpLine.Text("EXIT")),
                frame(8, "0123456789", "0123456789", "0123\nSTATS\n", "012345678\nEXIT\n"));
    }
}
