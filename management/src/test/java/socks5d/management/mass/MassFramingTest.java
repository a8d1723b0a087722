package socks5d.management.mass;

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
import socks5d.management.mass.wire.MassIndex;
import socks5d.management.mass.wire.MassMessage;
import socks5d.management.mass.wire.MassRequest;

/** docs/protocols/mass.md: one action per client message of the session's phase. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class MassFramingTest {
    private static final MassSession.Action SELECTED = new MassSession.Send(hex("01 02"), false);
    private static final MassSession.Action USER_LIST = new MassSession.Execute(new MassRequest.Query(MassIndex.USER_LIST));

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private List<MassSession.Action> actions(ByteString... reads) {
        return ManagementFixture.frames(testKit, MassFraming.messages(false), List.of(reads));
    }

    /** The RFC 1929 login of a name and a password of {@code length} octets each, 0x61 and 0x62. */
    private static ByteString login(int length) {
        byte[] bytes = new byte[3 + 2 * length];
        bytes[0] = 0x01;
        bytes[1] = (byte) length;
        java.util.Arrays.fill(bytes, 2, 2 + length, (byte) 0x61);
        bytes[2 + length] = (byte) length;
        java.util.Arrays.fill(bytes, 3 + length, bytes.length, (byte) 0x62);
        return ByteString.fromArray(bytes);
    }

    private static MassSession.Action authenticate(int length) {
        return new MassSession.Authenticate(new MassMessage.UserPass("a".repeat(length), "b".repeat(length)));
    }

    @Test
    void joinsMessagesSplitAcrossReads() {
        assertEquals(List.of(SELECTED, authenticate(1), USER_LIST),
                actions(hex("01"), hex("01 02  01 01"), hex("61 01"), hex("62"), hex("01")));
    }

    @Test
    void splitsTheMessagesOfOneRead() {
        assertEquals(List.of(SELECTED, authenticate(1), USER_LIST), actions(hex("01 01 02  01 01 61 01 62  01")));
    }

    @Test
    void passesALoginOfTheMaximumLength() {
        ByteString max = login(255);
        assertEquals(MassFraming.MAX_MESSAGE, max.size());
        assertEquals(List.of(SELECTED, authenticate(255)), actions(hex("01 01 02"), max.take(300), max.drop(300)));
    }

    @Test
    void readsTheOctetAfterALoginOfTheMaximumLengthAsTheRequest() {
        assertEquals(List.of(SELECTED, authenticate(255), USER_LIST),
                actions(hex("01 01 02").concat(login(255)).concat(hex("01"))));
    }

    @Test
    void dropsWhateverFollowsTheRequest() {
        ByteString trailer = ByteString.fromArray(new byte[2 * MassFraming.MAX_MESSAGE]);
        assertEquals(List.of(SELECTED, authenticate(1), USER_LIST),
                actions(hex("01 01 02  01 01 61 01 62  01"), trailer, trailer));
    }
}
