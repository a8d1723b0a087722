package socks5d.proxy.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.proxy.dissect.Conversation.client;
import static socks5d.proxy.dissect.Conversation.server;
import static socks5d.testkit.bytes.Hex.hex;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link FtpDissector} over captured FTP control exchanges (RFC 959), each fed whole, split at
 * every offset and byte by byte through {@link Conversation#everyWay}.
 */
final class FtpDissectorTest {
    private static final String GREETING = "220 ftp.test FTP server ready\r\n";

    private static Conversation.Outcome run(Conversation c) {
        return c.everyWay(FtpDissector::new);
    }

    private static Credential ftp(String user, String password) {
        return new Credential("FTP", user, password);
    }

    @Test
    void reportsUserAndPassAfter220Greeting() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\n"),
                server("331 Password required for alice\r\n"),
                client("PASS s3cret\r\n"),
                server("230 User alice logged in\r\n"),
                client("PWD\r\n")));
        assertEquals(List.of(ftp("alice", "s3cret")), out.reports());
        assertTrue(out.done(), "a 2xx answer to PASS ends the inspection");
    }

    @Test
    void multiLineGreetingAndRepliesWithPipelinedCommands() {
        var out = run(Conversation.of(
                client("USER alice\r\nPASS s3cret\r\n"),
                server("220-Welcome\r\n220-331 is not an answer here\r\n220 ready\r\n"),
                server("331 Password required\r\n230-Welcome back\r\n230 Logged in\r\n")));
        assertEquals(List.of(ftp("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void commandsInAnyLetterCaseAndLfOnly() {
        var out = run(Conversation.of(
                server("220 ready\n"),
                client("uSeR alice\n"),
                server("331 go on\n"),
                client("pass s3cret\n"),
                server("230 ok\n")));
        assertEquals(List.of(ftp("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void reportsEveryAttemptUntilOneSucceeds() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\nPASS wrong\r\n"),
                server("331 Password required\r\n530 Login incorrect\r\n"),
                client("USER anonymous\r\nPASS guest@example.org\r\n"),
                server("331 Guest login ok\r\n230 Guest login ok\r\n"),
                client("USER bob\r\nPASS later\r\n")));
        assertEquals(List.of(ftp("alice", "wrong"), ftp("anonymous", "guest@example.org")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void passwordKeepsItsSpaces() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\nPASS correct horse battery \r\n")));
        assertEquals(List.of(ftp("alice", "correct horse battery ")), out.reports());
        assertFalse(out.done(), "PASS is not answered yet");
    }

    @Test
    void userAcceptedWithoutPasswordEndsTheInspection() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\n"),
                server("230 No password needed\r\n"),
                client("PASS s3cret\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void authTlsEndsTheInspection() {
        var out = run(Conversation.of(
                server(GREETING),
                client("AUTH TLS\r\n"),
                server("234 Proceed with negotiation\r\n"),
                client(hex("16 03 01 00 05 01 00 00 01 00"))));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void quitEndsTheInspection() {
        var out = run(Conversation.of(server(GREETING), client("QUIT\r\nUSER alice\r\nPASS s3cret\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void otherGreetingIsNotFtp() {
        for (String greeting : List.of("+OK POP3 ready\r\n", "421 Too many users\r\n", "SSH-2.0-OpenSSH_9.6\r\n",
                "22 short\r\n")) {
            var out = run(Conversation.of(
                    client("USER alice\r\nPASS s3cret\r\n"),
                    server(greeting + "331 ok\r\n230 ok\r\n")));
            assertEquals(List.of(), out.reports(), greeting);
            assertTrue(out.done(), greeting);
        }
    }

    @Test
    void malformedCommandsReportNothing() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER\r\nPASS s3cret\r\nUSERalice\r\nPASSs3cret\r\nUSER alice\r\nPASS\r\n"),
                client(hex("ff f4 ff fd 06 0d 0a 00 0a"))));
        assertEquals(List.of(), out.reports());
    }

    @Test
    void oversizedLineGivesUp() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\nPASS " + "p".repeat(FtpDissector.MAX_LINE) + "\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void oversizedServerLineGivesUp() {
        var out = run(Conversation.of(
                server("220-" + "w".repeat(FtpDissector.MAX_LINE) + "\r\n220 ready\r\n"),
                client("USER alice\r\nPASS s3cret\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }
}
