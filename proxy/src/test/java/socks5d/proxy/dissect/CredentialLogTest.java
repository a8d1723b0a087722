package socks5d.proxy.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * {@link CredentialLog#format}: the {@code P} line of docs/protocols/socks5.md (Credential lines),
 * byte for byte.
 */
final class CredentialLogTest {
    private static final Instant T = Instant.parse("2026-11-22T13:55:03.987Z");

    @Test
    void formatsThePop3LineOfSpecSection7() {
        assertEquals("2026-11-22T13:55:03Z\tadmin\tP\tPOP3\tmail.test\t110\talice\ts3cret",
                CredentialLog.format(T, "admin", "mail.test", 110, new Credential("POP3", "alice", "s3cret")));
    }

    @Test
    void noSocksUserAndNoPasswordAreDashes() {
        assertEquals("2026-11-22T13:55:03Z\t-\tP\tPOP3\t192.0.2.7\t110\tmrose\t-",
                CredentialLog.format(T, null, "192.0.2.7", 110, new Credential("POP3", "mrose", "")));
    }

    @Test
    void controlCharactersAndBackslashAreEscapedSoTheLineStaysOneLine() {
        assertEquals("2026-11-22T13:55:03Z\ta\\x09b\tP\tHTTP\tevil\\x0ahost\t80\tal\\x0dice\tp\\x5cw\\x7f\\x00",
                CredentialLog.format(T, "a\tb", "evil\nhost", 80, new Credential("HTTP", "al\rice", "p\\w\u007f\0")));
    }

    @Test
    void passwordIsHiddenFromToString() {
        assertEquals("Credential[FTP, user=alice, password=<hidden>]",
                new Credential("FTP", "alice", "s3cret").toString());
    }
}
