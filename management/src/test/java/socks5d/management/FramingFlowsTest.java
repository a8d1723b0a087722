package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared framing stage, driven by a toy rule: a frame is a length octet and that many octets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class FramingFlowsTest {
    private static final int MAX_FRAME = 4;

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    /** The toy rule; a length octet of 0 ends the frames, and everything after it is dropped. */
    private static Optional<FramingFlows.Split<Boolean, String>> next(Boolean done, ByteString in) {
        if (done) {
            return Optional.of(FramingFlows.Split.drop(true, ByteString.emptyByteString()));
        }
        int length = in.apply(0);
        if (length == 0) {
            return Optional.of(FramingFlows.Split.drop(true, ByteString.emptyByteString()));
        }
        if (in.size() < 1 + length) {
            return Optional.empty();
        }
        return Optional.of(FramingFlows.Split.of(in.slice(1, 1 + length).utf8String(), false, in.drop(1 + length)));
    }

    private List<String> frames(int maxFrame, String... chunks) {
        return ManagementFixture.frames(testKit, FramingFlows.split("toy-framing", maxFrame, false, FramingFlowsTest::next),
                List.of(chunks).stream().map(ByteString::fromString).toList());
    }

    @Test
    void joinsAFrameSplitAcrossReads() {
        assertEquals(List.of("abc"), frames(MAX_FRAME, "\u0003", "a", "bc"));
    }

    @Test
    void splitsTwoFramesOfOneRead() {
        assertEquals(List.of("ab", "c"), frames(MAX_FRAME, "\u0002ab\u0001c"));
    }

    @Test
    void dropsWhatTheRuleDrops() {
        assertEquals(List.of("a"), frames(MAX_FRAME, "\u0001a\u0000\u0003xyz", "\u0001b"));
    }

    @Test
    void failsRatherThanHoldAFrameOverTheMaximum() {
        // A length octet of 4 announces a 5-octet frame: the rule breaks its declared maximum.
        CompletionException failed = assertThrows(CompletionException.class,
                () -> frames(MAX_FRAME, "\u0004abc"));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(List.of("abc"), frames(MAX_FRAME, "\u0003ab", "c"), "three octets of a four-octet frame are held");
    }
}
