package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The books of logins: shared checks in flight, remembered successes, forgotten on a change. */
class LoginChecksTest {
    @Test
    void identicalLoginsShareOneCheckAndOthersGetTheirOwn() {
        LoginChecks<String> logins = new LoginChecks<>();
        byte[] pw = logins.digest("pw");
        LoginChecks.Check<String> check = logins.await("ann", "pw", pw, "first");
        assertNotNull(check, "a new check: the caller starts it");
        assertNull(logins.await("ann", "pw", logins.digest("pw"), "second"), "joins the running check");
        assertNotNull(logins.await("ann", "other", logins.digest("other"), "third"), "another password");
        assertNotNull(logins.await("bob", "pw", pw, "fourth"), "another name");
        assertSame(check, logins.running(check.key));
        assertEquals(List.of("first", "second"), logins.finish(check, false));
        assertNull(logins.running(check.key));
        assertFalse(logins.remembered("ann", pw), "a failure is never remembered");
    }

    @Test
    void remembersAVerifiedPasswordUntilTheUserChanges() {
        LoginChecks<String> logins = new LoginChecks<>();
        byte[] pw = logins.digest("pw");
        logins.finish(logins.await("ann", "pw", pw, "w"), true);
        assertTrue(logins.remembered("ann", logins.digest("pw")));
        assertFalse(logins.remembered("ann", logins.digest("pw ")));
        assertFalse(logins.remembered("bob", pw));
        logins.forget("ann");
        assertFalse(logins.remembered("ann", pw));
    }

    @Test
    void aCheckDoesNotShowThePasswordWhenPrinted() {
        LoginChecks<String> logins = new LoginChecks<>();
        LoginChecks.Check<String> check = logins.await("ann", "pw-visible", logins.digest("pw-visible"), "w");
        assertFalse(check.toString().contains("pw-visible"), check.toString());
    }
}
