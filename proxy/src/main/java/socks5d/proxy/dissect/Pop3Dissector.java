package socks5d.proxy.dissect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.pekko.util.ByteString;

/**
 * Password dissector for POP3 (SPEC §7, RFC 1939): a session whose first server line starts with
 * {@code +OK}, on any port, is POP3; then each client {@code USER name} followed by
 * {@code PASS password} is reported once as {@code (POP3, name, password)}, and {@code APOP name
 * digest} is noted as seen with the name only (the digest is not a password). Every attempt is
 * reported, until the server accepts a login ({@code +OK} to PASS or APOP), the client sends
 * {@code QUIT} or {@code STLS} (after which nothing is clear text), or input is oversized.
 *
 * <p>The client may pipeline commands before the greeting arrives; those lines wait, bounded,
 * until the greeting decides. To know which server answer belongs to PASS, the dissector counts
 * status lines ({@code +OK}/{@code -ERR}) against the commands sent (RFC 1939 §3: one status line
 * per command, in order). Pure; confined to the session's stage.
 */
public final class Pop3Dissector implements Dissector {
    public static final String PROTOCOL = "POP3";
    /** RFC 1939 §3: commands are at most 255 octets and replies 512; this leaves room for lax peers. */
    static final int MAX_LINE = 1024;
    /** Client lines held while the greeting has not arrived yet, and commands awaiting an answer. */
    static final int MAX_PENDING = 16;

    private static final String OK = "+OK";
    private static final String ERR = "-ERR";

    private enum Phase { GREETING, LOGIN, DONE }

    private final LineBuffer client = new LineBuffer(MAX_LINE);
    private final LineBuffer server = new LineBuffer(MAX_LINE);
    /** Client lines that arrived before the greeting. */
    private final List<String> early = new ArrayList<>();
    /** For each command sent and not answered yet: whether it was a login (PASS after USER, or APOP). */
    private final ArrayDeque<Boolean> unanswered = new ArrayDeque<>();
    /** False once more commands are unanswered than the dissector keeps track of. */
    private boolean tracking = true;
    private Phase phase = Phase.GREETING;
    private String user;

    @Override
    public void onClientBytes(ByteString bytes, Consumer<Credential> report) {
        if (phase == Phase.DONE) {
            return;
        }
        for (String line : client.feed(bytes)) {
            if (phase == Phase.GREETING) {
                if (early.size() == MAX_PENDING) {
                    phase = Phase.DONE;
                    return;
                }
                early.add(line);
            } else if (phase == Phase.LOGIN) {
                onCommand(line, report);
            }
        }
        if (client.overflowed()) {
            phase = Phase.DONE;
        }
    }

    @Override
    public void onServerBytes(ByteString bytes, Consumer<Credential> report) {
        if (phase == Phase.DONE) {
            return;
        }
        for (String line : server.feed(bytes)) {
            if (phase == Phase.GREETING) {
                if (!line.startsWith(OK)) {
                    phase = Phase.DONE;
                    return;
                }
                phase = Phase.LOGIN;
                for (String command : early) {
                    onCommand(command, report);
                }
                early.clear();
            } else if (phase == Phase.LOGIN) {
                onStatus(line);
            }
        }
        if (server.overflowed()) {
            phase = Phase.DONE;
        }
    }

    @Override
    public boolean done() {
        return phase == Phase.DONE;
    }

    private void onCommand(String line, Consumer<Credential> report) {
        if (phase != Phase.LOGIN) {
            return;
        }
        CommandLine c = CommandLine.parse(line);
        boolean login = false;
        if (c.is("USER")) {
            user = c.argument().isEmpty() ? null : c.argument();
        } else if (c.is("PASS")) {
            if (user != null && !c.argument().isEmpty()) {
                report.accept(new Credential(PROTOCOL, user, c.argument()));
                user = null;
                login = true;
            }
        } else if (c.is("APOP")) {
            int space = c.argument().indexOf(' ');
            String name = space < 0 ? c.argument() : c.argument().substring(0, space);
            if (!name.isEmpty()) {
                report.accept(new Credential(PROTOCOL, name, ""));
                login = true;
            }
        } else if (c.is("QUIT") || c.is("STLS")) {
            phase = Phase.DONE;
            return;
        }
        if (unanswered.size() == MAX_PENDING) {
            tracking = false; // answers can no longer be matched; keep reporting until the budget ends
        } else if (tracking) {
            unanswered.add(login);
        }
    }

    /** A server line in the login phase: a status line answers the oldest unanswered command. */
    private void onStatus(String line) {
        boolean ok = line.startsWith(OK);
        if (!tracking || !ok && !line.startsWith(ERR)) {
            return; // a line of a multi-line answer (CAPA), not a status line
        }
        Boolean login = unanswered.poll();
        if (ok && Boolean.TRUE.equals(login)) {
            phase = Phase.DONE; // logged in: no more credentials follow in this session
        }
    }
}
