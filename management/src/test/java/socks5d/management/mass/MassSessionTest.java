package socks5d.management.mass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static socks5d.testkit.bytes.Hex.hex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

import socks5d.management.mass.wire.MassIndex;
import socks5d.management.mass.wire.MassMessage;
import socks5d.management.mass.wire.MassRequest;

class MassSessionTest {
    /** Runs the machine over {@code in} as far as it goes. */
    private static List<MassSession.Action> run(ByteString in, boolean allowNoAuth) {
        List<MassSession.Action> actions = new ArrayList<>();
        MassSession.Phase phase = MassSession.Phase.GREETING;
        Optional<MassSession.Step> step;
        while ((step = MassSession.next(phase, in, allowNoAuth)).isPresent()) {
            actions.add(step.get().action());
            phase = step.get().next();
            in = step.get().rest();
        }
        return actions;
    }

    @Test
    void choosesUsernamePasswordThenAuthenticatesThenExecutes() {
        assertEquals(List.of(
                new MassSession.Send(hex("01 02"), false),
                new MassSession.Authenticate(new MassMessage.UserPass("a", "b")),
                new MassSession.Execute(new MassRequest.Query(MassIndex.USER_LIST))),
                run(hex("""
                        01 02 00 02  # greeting: NO AUTH, USERNAME/PASSWORD
                        01 01 61 01 62  # a:b
                        01           # index 0x01
                        ff ff        # ignored: the session has its one request
                        """), true));
    }

    @Test
    void choosesNoAuthenticationOnlyWhenAllowed() {
        assertEquals(List.of(new MassSession.SkipLogin(hex("01 00")),
                        new MassSession.Execute(new MassRequest.Query(MassIndex.SUPPORTED_INDEXES))),
                run(hex("01 01 00  00"), true));
        assertEquals(List.of(new MassSession.Send(hex("01 ff"), true)), run(hex("01 01 00  00"), false));
    }

    @Test
    void closesOnMalformedGreetingOrCredentials() {
        assertEquals(List.of(new MassSession.Send(ByteString.emptyByteString(), true)), run(hex("05 01 00"), false));
        assertEquals(List.of(new MassSession.Send(hex("01 02"), false), new MassSession.Send(hex("01 01"), true)),
                run(hex("01 01 02  01 00"), false));
    }

    @Test
    void waitsForMoreBytes() {
        assertEquals(List.of(), run(hex("01"), false));
        assertEquals(List.of(new MassSession.Send(hex("01 02"), false)), run(hex("01 01 02  01 05 61"), false));
    }
}
