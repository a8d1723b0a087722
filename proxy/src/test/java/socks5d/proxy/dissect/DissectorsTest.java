package socks5d.proxy.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.ascii;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** {@link Dissectors}: the per-direction byte budget, stepping out when done, and the registered protocols. */
final class DissectorsTest {
    private static final Consumer<Credential> IGNORE = c -> { };

    /** Records what it is fed; done once told so. */
    private static final class Recorder implements Dissector {
        ByteString client = ByteString.emptyByteString();
        ByteString server = ByteString.emptyByteString();
        int calls;
        boolean finished;

        @Override
        public void onClientBytes(ByteString bytes, Consumer<Credential> report) {
            calls++;
            client = client.concat(bytes);
        }

        @Override
        public void onServerBytes(ByteString bytes, Consumer<Credential> report) {
            calls++;
            server = server.concat(bytes);
        }

        @Override
        public boolean done() {
            return finished;
        }
    }

    @Test
    void bytesPastTheClientBudgetAreNeverInspected() {
        Recorder r = new Recorder();
        Dissectors d = new Dissectors(List.of(r), 6);
        d.onClientBytes(ascii("abcd"), IGNORE);
        d.onClientBytes(ascii("efgh"), IGNORE);
        d.onClientBytes(ascii("ijkl"), IGNORE);
        assertEquals(ascii("abcdef"), r.client);
        assertEquals(2, r.calls, "nothing at all is passed on once the budget is spent");
        assertFalse(d.done(), "the server budget is not spent yet");
    }

    @Test
    void budgetsOfTheTwoDirectionsAreSeparate() {
        Recorder r = new Recorder();
        Dissectors d = new Dissectors(List.of(r), 3);
        d.onServerBytes(ascii("12345"), IGNORE);
        d.onClientBytes(ascii("ab"), IGNORE);
        d.onServerBytes(ascii("6"), IGNORE);
        assertEquals(ascii("123"), r.server);
        assertEquals(ascii("ab"), r.client);
        assertFalse(d.done());
        d.onClientBytes(ascii("cdef"), IGNORE);
        assertEquals(ascii("abc"), r.client);
        assertTrue(d.done(), "both budgets spent");
    }

    @Test
    void doneWhenEveryDissectorIsDoneAndADoneOneIsFedNoMore() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Dissectors d = new Dissectors(List.of(a, b), 1000);
        a.finished = true;
        d.onClientBytes(ascii("x"), IGNORE);
        assertFalse(d.done());
        d.onClientBytes(ascii("y"), IGNORE);
        assertEquals(ascii("x"), a.client);
        assertEquals(ascii("xy"), b.client);
        b.finished = true;
        d.onServerBytes(ascii("z"), IGNORE);
        assertTrue(d.done());
    }

    @Test
    void sessionReportsPop3AndTheOtherProtocolsStepOut() {
        Dissectors d = Dissectors.forSession(4096);
        List<Credential> reports = new ArrayList<>();
        d.onServerBytes(ascii("+OK POP3 ready\r\n"), reports::add);
        d.onClientBytes(ascii("USER alice\r\nPASS s3cret\r\n"), reports::add);
        assertEquals(List.of(new Credential("POP3", "alice", "s3cret")), reports);
        assertFalse(d.done(), "POP3 waits for the answer to PASS");
        d.onServerBytes(ascii("+OK\r\n+OK logged in\r\n"), reports::add);
        assertTrue(d.done(), "POP3 logged in; HTTP and FTP gave up at the greeting");
    }

    @Test
    void sessionReportsHttpBasic() {
        Dissectors d = Dissectors.forSession(4096);
        List<Credential> reports = new ArrayList<>();
        d.onClientBytes(ascii("GET / HTTP/1.1\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\n\r\n"), reports::add);
        d.onServerBytes(ascii("HTTP/1.1 200 OK\r\n"), reports::add);
        assertEquals(List.of(new Credential("HTTP", "alice", "s3cret")), reports);
        assertTrue(d.done());
    }

    @Test
    void sessionReportsFtp() {
        Dissectors d = Dissectors.forSession(4096);
        List<Credential> reports = new ArrayList<>();
        d.onServerBytes(ascii("220 ready\r\n"), reports::add);
        d.onClientBytes(ascii("USER alice\r\nPASS s3cret\r\n"), reports::add);
        assertEquals(List.of(new Credential("FTP", "alice", "s3cret")), reports);
    }

    @Test
    void passBeyondTheBudgetIsNotReported() {
        Dissectors d = Dissectors.forSession(16);
        List<Credential> reports = new ArrayList<>();
        d.onServerBytes(ascii("+OK POP3 ready\r\n"), reports::add);
        d.onClientBytes(ascii("USER alice\r\nPASS s3cret\r\n"), reports::add);
        assertEquals(List.of(), reports);
        assertTrue(d.done());
    }

    @Test
    void echoSessionReportsNothing() {
        Dissectors d = Dissectors.forSession(4096);
        List<Credential> reports = new ArrayList<>();
        d.onClientBytes(ascii("hello\r\n"), reports::add);
        d.onServerBytes(ascii("hello\r\n"), reports::add);
        assertEquals(List.of(), reports);
        assertTrue(d.done());
    }
}
