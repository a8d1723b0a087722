package socks5d.proxy.dissect;

import java.util.function.Consumer;

/**
 * Password dissector for FTP (RFC 959; docs/protocols/socks5.md, Credential lines): a session whose
 * first server line starts with {@code 220}, on any port, is FTP; then each client
 * {@code USER name} followed by {@code PASS password} is reported once as
 * {@code (FTP, name, password)}. Every attempt is reported, until the server accepts a login (a 2xx
 * answer to USER or PASS), the client sends {@code QUIT} or {@code AUTH} (RFC 4217: what follows is
 * TLS), or input is oversized.
 *
 * <p>The client may pipeline commands before the greeting arrives; those lines wait, bounded,
 * until the greeting decides. Answers are matched to commands in order (RFC 959 §4.2: one reply
 * per command; a multi-line reply {@code ddd-} ends at the line starting {@code ddd }; 1yz
 * replies are preliminary and are followed by another). Pure; confined to the session's stage.
 */
public final class FtpDissector extends LoginDissector {
    public static final String PROTOCOL = "FTP";

    private static final String SERVICE_READY = "220";
    private static final int CODE_LENGTH = 3;

    /** False until the last line of the (possibly multi-line) greeting went by. */
    private boolean greeted;
    /** The code of the multi-line reply in progress, or null. */
    private String multiline;

    public FtpDissector() {
        super(PROTOCOL);
    }

    @Override
    boolean isGreeting(String firstServerLine) {
        return firstServerLine.startsWith(SERVICE_READY);
    }

    @Override
    boolean userAloneMayLogIn() {
        return true;
    }

    @Override
    Boolean onOtherCommand(CommandLine c, Consumer<Credential> report) {
        return c.is("QUIT") || c.is("AUTH") ? null : Boolean.FALSE;
    }

    @Override
    void onServerLine(String line, boolean greeting) {
        String code = replyCode(line);
        if (multiline != null) {
            if (multiline.equals(code) && (line.length() == CODE_LENGTH || line.charAt(CODE_LENGTH) == ' ')) {
                multiline = null;
                onReply(code);
            }
        } else if (code != null && (line.length() == CODE_LENGTH || line.charAt(CODE_LENGTH) == ' ')) {
            onReply(code);
        } else if (code != null && line.charAt(CODE_LENGTH) == '-') {
            multiline = code;
        }
    }

    /** A complete reply: the greeting's end, or the answer to the oldest unanswered command. */
    private void onReply(String code) {
        if (!greeted) {
            greeted = true;
        } else if (code.charAt(0) != '1') {
            // RFC 959 §4.2: a 1yz reply is preliminary, the command's real answer follows
            answered(code.charAt(0) == '2');
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
