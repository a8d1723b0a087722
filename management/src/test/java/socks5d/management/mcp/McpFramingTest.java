package socks5d.management.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static socks5d.testkit.bytes.Hex.hex;

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
import socks5d.management.mcp.wire.McpCodec;

/** docs/protocols/mcp.md, Frame and Errors and framing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class McpFramingTest {
    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private List<ByteString> frames(ByteString... reads) {
        return ManagementFixture.frames(testKit, McpFraming.frames(), List.of(reads));
    }

    /** A frame of {@code payload} octets, each 0x61, of CMD 0x07. */
    private static ByteString frameOf(int payload) {
        byte[] bytes = new byte[4 + payload];
        bytes[0] = 0x01;
        bytes[1] = 0x07;
        bytes[2] = (byte) (payload >> 8);
        bytes[3] = (byte) payload;
        java.util.Arrays.fill(bytes, 4, bytes.length, (byte) 0x61);
        return ByteString.fromArray(bytes);
    }

    @Test
    void joinsAFrameSplitAcrossReads() {
        assertEquals(List.of(hex("01 03 00 02 01 61")),
                frames(hex("01"), hex("03 00"), hex("02 01"), hex("61")));
    }

    @Test
    void splitsTwoFramesOfOneRead() {
        assertEquals(List.of(hex("01 01 00 00"), hex("01 04 00 02 01 61")),
                frames(hex("01 01 00 00  01 04 00 02 01 61")));
    }

    @Test
    void passesAFrameOfTheMaximumLength() {
        ByteString max = frameOf(McpCodec.MAX_PAYLOAD);
        assertEquals(McpFraming.MAX_FRAME, max.size());
        assertEquals(List.of(max), frames(max.take(1000), max.drop(1000)));
    }

    @Test
    void holdsTheOctetAfterAFrameOfTheMaximumLengthAsTheNextFrame() {
        ByteString max = frameOf(McpCodec.MAX_PAYLOAD);
        // LEN cannot say more than 65535: the octet over the maximum starts the next frame.
        assertEquals(List.of(max, hex("01 01 00 00")), frames(max.concat(hex("01")), hex("01 00 00")));
    }

    @Test
    void passesTheBytesFromABadVerUpAtOnceAndReadsNothingAfterThem() {
        assertEquals(List.of(hex("01 01 00 00"), hex("02")), frames(hex("01 01 00 00  02"), hex("01 01 00 00")));
        assertEquals(List.of(hex("02 01 00 00")), frames(hex("02 01 00 00")));
    }
}
