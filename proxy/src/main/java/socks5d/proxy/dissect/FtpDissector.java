package socks5d.proxy.dissect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.pekko.util.ByteString;

/**
 * Password dissector for FTP (issue 4, RFC 959): a session whose first server line starts with
 * {@code 220}, on any port, is FTP; then each client {@code USER name} followed by
 * {@code PASS password} is reported once as {@code (FTP, name, password)}. Every attempt is
 * reported, until the server accepts a login (a 2xx answer to USER or PASS), the client sends
 * {@code QUIT} or {@code AUTH} (RFC 4217: what follows is TLS), or input is oversized.
 *
 * <p>The client may pipeline commands before the greeting arrives; those lines wait, bounded,
 * until the greeting decides. Answers are matched to commands in order (RFC 959 §4.2: one reply
 * per command; a multi-line reply {@code ddd-} ends at the line starting {@code ddd }; 1yz
 * replies are preliminary and are followed by another). Pure; confined to the session's stage.
 */
public final class FtpDissector implements Dissector {
    public static final String PROTOCOL = "FTP";
    /** RFC 959 sets no limit; real commands and reply lines are far shorter. */
    static final int MAX_LINE = 1024;
    /** Client lines held while the greeting has not arrived yet, and commands awaiting an answer. */
    static final int MAX_PENDING = 16;

    private static final String SERVICE_READY = "220";
    private static final int CODE_LENGTH = 3;

    private enum Phase { GREETING, LOGIN, DONE }

    private final LineBuffer client = new LineBuffer(MAX_LINE);
    private final LineBuffer server = new LineBuffer(MAX_LINE);
    /** Client lines that arrived before the greeting. */
    private final List<String> early = new ArrayList<>();
    /** For each command sent and not answered yet: whether a 2xx answer to it means logged in. */
    private final ArrayDeque<Boolean> unanswered = new ArrayDeque<>();
    /** False once more commands are unanswered than the dissector keeps track of. */
    private boolean tracking = true;
    /** False until the last line of the (possibly multi-line) greeting went by. */
    private boolean greeted;
    /** The code of the multi-line reply in progress, or null. */
    private String multiline;
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
                if (!line.startsWith(SERVICE_READY)) {
                    phase = Phase.DONE;
                    return;
                }
                phase = Phase.LOGIN;
                for (String command : early) {
                    onCommand(command, report);
                }
                early.clear();
            }
            if (phase == Phase.LOGIN) {
                onReplyLine(line);
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
            login = true;
        } else if (c.is("PASS")) {
            if (user != null && !c.argument().isEmpty()) {
                report.accept(new Credential(PROTOCOL, user, c.argument()));
                user = null;
                login = true;
            }
        } else if (c.is("QUIT") || c.is("AUTH")) {
            phase = Phase.DONE;
            return;
        }
        if (unanswered.size() == MAX_PENDING) {
            tracking = false; // answers can no longer be matched; keep reporting until the budget ends
        } else if (tracking) {
            unanswered.add(login);
        }
    }

    private void onReplyLine(String line) {
        String code = replyCode(line);
        if (multiline != null) {
            if (multiline.equals(code) && (line.length() == CODE_LENGTH || line.charAt(CODE_LENGTH) == ' ')) {
                multiline = null;
                onReply(code);
            }
        } else if (code != null && line.length() == CODE_LENGTH) {
            onReply(code);
        } else if (code != null && line.charAt(CODE_LENGTH) == ' ') {
            onReply(code);
        } else if (code != null && line.charAt(CODE_LENGTH) == '-') {
            multiline = code;
        }
    }

    /** A complete reply: the greeting's end, or the answer to the oldest unanswered command. */
    private void onReply(String code) {
        if (!greeted) {
            greeted = true;
            return;
        }
        if (!tracking || code.charAt(0) == '1') {
            return; // RFC 959 §4.2: a 1yz reply is preliminary, the command's real answer follows
        }
        Boolean login = unanswered.poll();
        if (code.charAt(0) == '2' && Boolean.TRUE.equals(login)) {
            phase = Phase.DONE; // logged in: no more credentials follow in this session
        }
    }

    /** The three-digit code a reply line starts with, or null. */
    private static String replyCode(String line) {
        if (line.length() < CODE_LENGTH) {
            return null;
        }
        for (int i = 0; i < CODE_LENGTH; i++) {
            char ch = line.charAt(i);
            if (ch < '0' || ch > '9') {
                return null;
            }
        }
        return line.substring(0, CODE_LENGTH);
    }
}
