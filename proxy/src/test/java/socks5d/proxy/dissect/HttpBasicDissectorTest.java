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
 * {@link HttpBasicDissector} over captured HTTP/1.x requests (RFC 9112, RFC 7617), each fed whole,
 * split at every offset and byte by byte through {@link Conversation#everyWay}.
 */
final class HttpBasicDissectorTest {
    /** base64 of {@code alice:s3cret}. */
    private static final String ALICE = "YWxpY2U6czNjcmV0";

    private static Conversation.Outcome run(Conversation c) {
        return c.everyWay(HttpBasicDissector::new);
    }

    private static Credential http(String user, String password) {
        return new Credential("HTTP", user, password);
    }

    @Test
    void reportsBasicCredentialsOfTheFirstRequest() {
        var out = run(Conversation.of(
                client("GET /private/ HTTP/1.1\r\nHost: www.test\r\nAuthorization: Basic " + ALICE
                        + "\r\nAccept: */*\r\n\r\n"),
                server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")));
        assertEquals(List.of(http("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void fieldNameAndSchemeInAnyCase() {
        var out = run(Conversation.of(
                client("post /form HTTP/1.0\r\naUTHORIZATION:bAsIc   " + ALICE + "  \r\n\r\n")));
        assertEquals(List.of(http("alice", "s3cret")), out.reports());
    }

    @Test
    void linesEndingInLfOnly() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\nHost: www.test\nAuthorization: Basic " + ALICE + "\n\n")));
        assertEquals(List.of(http("alice", "s3cret")), out.reports());
    }

    @Test
    void passwordMayHoldColonsAndUnpaddedBase64IsAccepted() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\r\nAuthorization: Basic YWxpY2U6cGE6c3M\r\n\r\n")));
        assertEquals(List.of(http("alice", "pa:ss")), out.reports());
    }

    @Test
    void decodesUtf8Credentials() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\r\nAuthorization: Basic asO8cmdlbjpww6Rzc3dvcmQ=\r\n\r\n")));
        assertEquals(List.of(http("jürgen", "pässword")), out.reports());
    }

    @Test
    void pipelinedRequestsReportOnlyTheFirst() {
        var out = run(Conversation.of(
                client("GET /a HTTP/1.1\r\nAuthorization: Basic " + ALICE + "\r\n\r\n"
                        + "GET /b HTTP/1.1\r\nAuthorization: Basic Ym9iOnNlY29uZA==\r\n\r\n")));
        assertEquals(List.of(http("alice", "s3cret")), out.reports());
        assertTrue(out.done());
    }

    @Test
    void authorizationAfterTheFirstHeaderSectionIsNotLookedAt() {
        var out = run(Conversation.of(
                client("POST /upload HTTP/1.1\r\nContent-Length: 40\r\n\r\n"
                        + "Authorization: Basic " + ALICE + "\r\n\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void badBase64ReportsNothing() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\r\nAuthorization: Basic !!not*base64\r\n"
                        + "Authorization: Basic YWxp Y2U6\r\n\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void decodedValueWithoutColonReportsNothing() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\r\nAuthorization: Basic bm9jb2xvbg==\r\n\r\n")));
        assertEquals(List.of(), out.reports());
    }

    @Test
    void otherSchemesAndHeadersReportNothing() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\r\nAuthorization: Bearer " + ALICE + "\r\nAuthorization: Basic\r\n"
                        + "Proxy-Authorization: Basic " + ALICE + "\r\nX-Authorization: Basic " + ALICE
                        + "\r\nAuthorization : Basic " + ALICE + "\r\n\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void notARequestLineIsNotHttp() {
        for (String first : List.of("USER alice\r\n", "GET /\r\n", "GET / HTTP/2\r\n", "HELO mail.test\r\n")) {
            var out = run(Conversation.of(
                    client(first + "Authorization: Basic " + ALICE + "\r\n\r\n")));
            assertEquals(List.of(), out.reports(), first);
            assertTrue(out.done(), first);
        }
    }

    @Test
    void tlsClientHelloIsNotHttpFromTheFirstByte() {
        var out = run(Conversation.of(client(hex("16 03 01 02 00 01 00 01 fc 03 03"))));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void serverSpeakingFirstIsNotHttp() {
        var out = run(Conversation.of(
                server("+OK POP3 ready\r\n"),
                client("GET / HTTP/1.1\r\nAuthorization: Basic " + ALICE + "\r\n\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void oversizedHeaderLineGivesUp() {
        var out = run(Conversation.of(
                client("GET / HTTP/1.1\r\nCookie: " + "c".repeat(HttpBasicDissector.MAX_LINE) + "\r\n"
                        + "Authorization: Basic " + ALICE + "\r\n\r\n")));
        assertEquals(List.of(), out.reports());
        assertTrue(out.done());
    }

    @Test
    void notDoneBeforeTheHeaderSectionEnds() {
        var out = run(Conversation.of(client("GET / HTTP/1.1\r\nHost: www.test\r\n")));
        assertEquals(List.of(), out.reports());
        assertFalse(out.done());
    }
}
