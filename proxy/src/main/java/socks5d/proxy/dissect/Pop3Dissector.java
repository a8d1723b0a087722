package socks5d.proxy.dissect;

import java.util.function.Consumer;

/**
 * Password dissector for POP3 (RFC 1939; docs/protocols/socks5.md, Credential lines): a session
 * whose first server line starts with {@code +OK}, on any port, is POP3; then each client
 * {@code USER name} followed by {@code PASS password} is reported once as
 * {@code (POP3, name, password)}, and {@code APOP name digest} is noted as seen with the name only
 * (the digest is not a password). Every attempt is reported, until the server accepts a login
 * ({@code +OK} to PASS or APOP), the client sends {@code QUIT} or {@code STLS} (after which nothing
 * is clear text), or input is oversized.
 *
 * <p>The client may pipeline commands before the greeting arrives; those lines wait, bounded,
 * until the greeting decides. To know which server answer belongs to PASS, the dissector counts
 * status lines ({@code +OK}/{@code -ERR}) against the commands sent (RFC 1939 §3: one status line
 * per command, in order). Pure; confined to the session's stage.
 */
public final class Pop3Dissector extends LoginDissector {
    public static final String PROTOCOL = "POP3";

    private static final String OK = "+OK";
    private static final String ERR = "-ERR";

    public Pop3Dissector() {
        super(PROTOCOL);
    }

    @Override
    boolean isGreeting(String firstServerLine) {
        return firstServerLine.startsWith(OK);
    }

    @Override
    boolean userAloneMayLogIn() {
        return false;
    }

    @Override
    Boolean onOtherCommand(CommandLine c, Consumer<Credential> report) {
        if (c.is("APOP")) {
            int space = c.argument().indexOf(' ');
            String name = space < 0 ? c.argument() : c.argument().substring(0, space);
            if (!name.isEmpty()) {
                report.accept(new Credential(PROTOCOL, name, ""));
                return true;
            }
            return false;
        }
        return c.is("QUIT") || c.is("STLS") ? null : Boolean.FALSE;
    }

    /** A status line answers the oldest unanswered command; other lines belong to multi-line answers. */
    @Override
    void onServerLine(String line, boolean greeting) {
        boolean ok = line.startsWith(OK);
        if (!greeting && (ok || line.startsWith(ERR))) {
            answered(ok);
        }
    }
}
