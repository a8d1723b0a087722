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
 * {@link Pop3Dissector} over captured POP3 exchanges (docs/protocols/socks5.md, Credential lines;
 * RFC 1939), each fed whole, split at every offset and byte by byte through
 * {@link Conversation#everyWay}.
 */
final class Pop3DissectorTest {
    private static final String GREETING = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";

    private static Conversation.Outcome run(Conversation c) {
        return c.everyWay(Pop3Dissector::new);
    }

    private static Credential pop3(String user, String password) {
        return new Credential("POP3", user, password);
    }

    @Test
    void reportsUserAndPassAfterOkGreeting() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\n"),
                server("+OK alice is welcome here\r\n"),
                client("PASS s3cret\r\n"),
                server("+OK alice's maildrop has 2 messages (320 octets)\r\n"),
                client("STAT\r\n")));
        assertEquals(List.of(pop3("alice", "s3cret")), out.reports());
        assertTrue(out.done(), "a login answered +OK ends the inspection");
    }

    @Test
    void reportsCommandsPipelinedBeforeTheGreeting() {
        var out = run(Conversation.of(
                client("USER alice\r\nPASS s3cret\r\n"),
                server(GREETING + "+OK\r\n+OK logged in\r\n")));
        assertEquals(List.of(pop3("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void reportsCommandsPipelinedAfterTheGreeting() {
        var out = run(Conversation.of(
                server(GREETING),
                client("CAPA\r\nUSER alice\r\nPASS s3cret\r\nSTAT\r\n"),
                server("+OK Capability list follows\r\nUSER\r\nTOP\r\n.\r\n+OK\r\n+OK\r\n+OK 2 320\r\n")));
        assertEquals(List.of(pop3("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void commandsInAnyLetterCase() {
        var out = run(Conversation.of(
                server(GREETING),
                client("user alice\r\n"),
                server("+OK\r\n"),
                client("pAsS s3cret\r\n")));
        assertEquals(List.of(pop3("alice", "s3cret")), out.reports());
    }

    @Test
    void linesEndingInLfOnly() {
        var out = run(Conversation.of(
                server("+OK ready\n"),
                client("USER alice\n"),
                server("+OK\n"),
                client("PASS s3cret\n"),
                server("+OK\n")));
        assertEquals(List.of(pop3("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void passwordKeepsItsSpacesAndNonAsciiText() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER jürgen\r\nPASS correct horse  battery\r\n")));
        assertEquals(List.of(pop3("jürgen", "correct horse  battery")), out.reports());
    }

    @Test
    void reportsEveryAttemptUntilOneSucceeds() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\nPASS wrong\r\nUSER alice\r\nPASS s3cret\r\n"),
                server("+OK\r\n-ERR invalid password\r\n+OK\r\n+OK logged in\r\n"),
                client("USER mallory\r\nPASS later\r\n")));
        assertEquals(List.of(pop3("alice", "wrong"), pop3("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void okToUserIsNotMistakenForALogin() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER alice\r\n"),
                server("+OK\r\n"),
                client("PASS s3cret\r\n")));
        assertEquals(List.of(pop3("alice", "s3cret")), out.reports());
        assertFalse(out.done(), "PASS is not answered yet");
    }

    @Test
    void apopIsNotedWithTheUserOnly() {
        var out = run(Conversation.of(
                server(GREETING),
                client("apop mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
                server("+OK mrose's maildrop has 2 messages (320 octets)\r\n")));
        assertEquals(List.of(pop3("mrose", "")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void passWithoutUserReportsNothing() {
        var out = run(Conversation.of(
                server(GREETING),
                client("PASS s3cret\r\n"),
                server("-ERR USER first\r\n")));
        assertEquals(List.of(), out.reports());
    }

    @Test
    void quitEndsTheInspection() {
        var out = run(Conversation.of(
                server(GREETING),
                client("QUIT\r\nUSER alice\r\nPASS s3cret\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void stlsEndsTheInspection() {
        var out = run(Conversation.of(
                server(GREETING),
                client("STLS\r\n"),
                server("+OK begin TLS\r\n"),
                client(hex("16 03 01 00 05 01 00 00 01 00"))));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void otherGreetingIsNotPop3() {
        for (String greeting : List.of("-ERR busy\r\n", "220 ftp.test FTP ready\r\n", "HTTP/1.1 200 OK\r\n",
                "+ok lower case is not a POP3 status\r\n")) {
            var out = run(Conversation.of(
                    client("USER alice\r\nPASS s3cret\r\n"),
                    server(greeting + "+OK\r\n+OK\r\n")));
            assertEquals(List.of(), out.reports(), greeting);
            assertTrue(out.done(), greeting);
        }
    }

    @Test
    void binaryServerIsNotPop3() {
        var out = run(Conversation.of(
                client(hex("16 03 01 00 05 01 00 00 01 00")),
                server(hex("16 03 03 00 02 02 28 0a ff"))));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void malformedCommandsReportNothing() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER\r\n\r\n \r\nPASS\r\nUSERalice\r\nPASSs3cret\r\n"),
                client(hex("00 ff fe 0a 0d 0a"))));
        assertEquals(List.of(), out.reports());
    }

    @Test
    void oversizedCommandLineGivesUp() {
        var out = run(Conversation.of(
                server(GREETING),
                client("USER " + "a".repeat(Pop3Dissector.MAX_LINE) + "\r\nPASS s3cret\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void oversizedGreetingGivesUp() {
        var out = run(Conversation.of(
                server("+OK" + "x".repeat(Pop3Dissector.MAX_LINE)),
                client("USER alice\r\nPASS s3cret\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void tooManyLinesBeforeTheGreetingGivesUp() {
        var out = run(Conversation.of(
                client("NOOP\r\n".repeat(Pop3Dissector.MAX_PENDING) + "USER alice\r\nPASS s3cret\r\n"),
                server(GREETING)));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void notDoneWhileTheGreetingIsAwaited() {
        var out = run(Conversation.of(client("USER alice\r\n")));
        assertEquals(List.of(), out.reports());
        assertFalse(out.done());
    }
}
