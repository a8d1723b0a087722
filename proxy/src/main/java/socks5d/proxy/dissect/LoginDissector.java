package socks5d.proxy.dissect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.pekko.util.ByteString;

/**
 * What POP3 and FTP logins have in common: the server speaks first and its greeting decides the
 * protocol; then the client sends {@code USER name} and {@code PASS password} commands, each
 * answered by the server in order, and a positive answer to a login command ends the dissection.
 * This class keeps the line buffers, the client lines that arrive before the greeting (bounded),
 * the USER/PASS pairing and the queue of unanswered commands; a protocol says how its greeting,
 * its other commands and its answers look. Pure; confined to the session's stage.
 */
abstract class LoginDissector implements Dissector {
    /** Commands and reply lines are far shorter in practice; this leaves room for lax peers. */
    static final int MAX_LINE = 1024;
    /** Client lines held while the greeting has not arrived yet, and commands awaiting an answer. */
    static final int MAX_PENDING = 16;

    private enum Phase { GREETING, LOGIN, DONE }

    private final String protocol;
    private final LineBuffer client = new LineBuffer(MAX_LINE);
    private final LineBuffer server = new LineBuffer(MAX_LINE);
    /** Client lines that arrived before the greeting. */
    private final List<String> early = new ArrayList<>();
    /** For each command sent and not answered yet: whether a positive answer to it means logged in. */
    private final ArrayDeque<Boolean> unanswered = new ArrayDeque<>();
    /** False once more commands are unanswered than the dissector keeps track of. */
    private boolean tracking = true;
    private Phase phase = Phase.GREETING;
    private String user;

    LoginDissector(String protocol) {
        this.protocol = protocol;
    }

    /** Whether the server's first line is this protocol's greeting. */
    abstract boolean isGreeting(String firstServerLine);

    /** Whether a positive answer to {@code USER} alone means logged in (FTP: no password needed). */
    abstract boolean userAloneMayLogIn();

    /**
     * A client command other than USER and PASS: whether a positive answer to it means logged in,
     * or {@code null} when nothing after it is worth reading (QUIT, a switch to TLS).
     */
    abstract Boolean onOtherCommand(CommandLine command, Consumer<Credential> report);

    /** A server line after the greeting decided ({@code greeting} is true for that line itself). */
    abstract void onServerLine(String line, boolean greeting);

    @Override
    public final void onClientBytes(ByteString bytes, Consumer<Credential> report) {
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
    public final void onServerBytes(ByteString bytes, Consumer<Credential> report) {
        if (phase == Phase.DONE) {
            return;
        }
        for (String line : server.feed(bytes)) {
            if (phase == Phase.GREETING) {
                if (!isGreeting(line)) {
                    phase = Phase.DONE;
                    return;
                }
                phase = Phase.LOGIN;
                for (String command : early) {
                    onCommand(command, report);
                }
                early.clear();
                if (phase == Phase.LOGIN) {
                    onServerLine(line, true);
                }
            } else if (phase == Phase.LOGIN) {
                onServerLine(line, false);
            }
        }
        if (server.overflowed()) {
            phase = Phase.DONE;
        }
    }

    @Override
    public final boolean done() {
        return phase == Phase.DONE;
    }

    /** The answer to the oldest unanswered command arrived; {@code positive} as the protocol defines it. */
    final void answered(boolean positive) {
        if (!tracking) {
            return;
        }
        Boolean login = unanswered.poll();
        if (positive && Boolean.TRUE.equals(login)) {
            phase = Phase.DONE; // logged in: no more credentials follow in this session
        }
    }

    private void onCommand(String line, Consumer<Credential> report) {
        if (phase != Phase.LOGIN) {
            return;
        }
        CommandLine c = CommandLine.parse(line);
        boolean login = false;
        if (c.is("USER")) {
            user = c.argument().isEmpty() ? null : c.argument();
            login = userAloneMayLogIn();
        } else if (c.is("PASS")) {
            if (user != null && !c.argument().isEmpty()) {
                report.accept(new Credential(protocol, user, c.argument()));
                user = null;
                login = true;
            }
        } else {
            Boolean other = onOtherCommand(c, report);
            if (other == null) {
                phase = Phase.DONE;
                return;
            }
            login = other;
        }
        if (unanswered.size() == MAX_PENDING) {
            tracking = false; // answers can no longer be matched; keep reporting until the budget ends
        } else if (tracking) {
            unanswered.add(login);
        }
    }
}
