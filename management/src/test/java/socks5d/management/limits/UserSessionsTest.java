package socks5d.management.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserSessionsTest {
    private final FakeClock clock = new FakeClock();
    private final UserSessions sessions = new UserSessions(1000, clock);

    @Test
    void sessionsPerUserAreCappedAndFreedOnClose() {
        assertSame(UserSessions.UNSHAPED, sessions.tryOpen("alice", 2, 0));
        assertSame(UserSessions.UNSHAPED, sessions.tryOpen("alice", 2, 0));
        assertNull(sessions.tryOpen("alice", 2, 0));
        assertSame(UserSessions.UNSHAPED, sessions.tryOpen("bob", 2, 0));
        sessions.close("alice");
        assertSame(UserSessions.UNSHAPED, sessions.tryOpen("alice", 2, 0));
        assertEquals(2, sessions.sessions("alice"));
    }

    @Test
    void aUsersSessionsShareItsBucketsUntilTheRateChanges() {
        UserSessions.Grant a = sessions.tryOpen("alice", 0, 5000);
        UserSessions.Grant b = sessions.tryOpen("alice", 0, 5000);
        assertTrue(a.shaped());
        assertSame(a.up(), b.up());
        assertSame(a.down(), b.down());
        assertNotSame(a.up(), a.down());
        UserSessions.Grant c = sessions.tryOpen("alice", 0, 9000);
        assertEquals(9000, c.up().rate());
        assertNotSame(a.up(), c.up());
        sessions.close("alice");
        sessions.close("alice");
        sessions.close("alice");
        assertEquals(0, sessions.sessions("alice"));
    }
}
