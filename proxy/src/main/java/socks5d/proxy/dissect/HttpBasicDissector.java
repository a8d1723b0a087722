package socks5d.proxy.dissect;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.pekko.util.ByteString;

/**
 * Password dissector for HTTP Basic authentication (RFC 9110 §11.6.2, RFC 7617;
 * docs/protocols/socks5.md, Credential lines): when the client's first line is an HTTP/1.x request
 * line, the header lines of that first request are scanned for
 * {@code Authorization: Basic <base64 of user:password>} (field name and scheme in any case), which
 * is reported as {@code (HTTP, user, password)}. Done at the end of the first request's header
 * section, after a report, or as soon as the session is plainly not clear-text HTTP: the client's
 * first byte is not a letter (TLS, binary protocols), the server speaks first (POP3, FTP, SMTP),
 * the first line is not a request line, or a line is oversized. Invalid base64 or a decoded value
 * without {@code :} reports nothing. Pure; confined to the session's stage.
 */
public final class HttpBasicDissector implements Dissector {
    public static final String PROTOCOL = "HTTP";
    /** Longest header line looked at; request lines and cookies can be long, but the budget is smaller. */
    static final int MAX_LINE = 8192;

    /** RFC 9112 §3: method SP request-target SP HTTP-version; the method is a token. */
    private static final Pattern REQUEST_LINE =
            Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+ \\S+ HTTP/1\\.\\d", Pattern.CASE_INSENSITIVE);
    private static final String AUTHORIZATION = "authorization";
    private static final String BASIC = "basic";

    private enum Phase { REQUEST_LINE, HEADERS, DONE }

    private final LineBuffer client = new LineBuffer(MAX_LINE);
    private Phase phase = Phase.REQUEST_LINE;
    private boolean clientSpoke;

    @Override
    public void onClientBytes(ByteString bytes, Consumer<Credential> report) {
        if (phase == Phase.DONE || bytes.isEmpty()) {
            return;
        }
        if (!clientSpoke) {
            clientSpoke = true;
            if (!isAsciiLetter(bytes.apply(0))) {
                phase = Phase.DONE;
                return;
            }
        }
        for (String line : client.feed(bytes)) {
            if (phase == Phase.REQUEST_LINE) {
                phase = REQUEST_LINE.matcher(line).matches() ? Phase.HEADERS : Phase.DONE;
            } else if (phase == Phase.HEADERS) {
                onHeader(line, report);
            }
        }
        if (client.overflowed()) {
            phase = Phase.DONE;
        }
    }

    @Override
    public void onServerBytes(ByteString bytes, Consumer<Credential> report) {
        if (!clientSpoke && !bytes.isEmpty()) {
            phase = Phase.DONE; // an HTTP server never speaks first
        }
    }

    @Override
    public boolean done() {
        return phase == Phase.DONE;
    }

    private void onHeader(String line, Consumer<Credential> report) {
        if (line.isEmpty()) {
            phase = Phase.DONE; // end of the first request's header section
            return;
        }
        int colon = line.indexOf(':');
        if (colon < 0 || !line.substring(0, colon).toLowerCase(Locale.ROOT).equals(AUTHORIZATION)) {
            return;
        }
        String value = line.substring(colon + 1).strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(BASIC)) {
            return;
        }
        Credential c = decode(value.substring(space + 1).strip());
        if (c != null) {
            report.accept(c);
            phase = Phase.DONE;
        }
    }

    /** RFC 7617 §2: base64 of user-id ":" password, user-id without a colon; UTF-8 as in §2.1. */
    private static Credential decode(String token) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return null; // not base64: nothing to report
        }
        String pair = new String(raw, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon < 0 ? null : new Credential(PROTOCOL, pair.substring(0, colon), pair.substring(colon + 1));
    }

    private static boolean isAsciiLetter(byte b) {
        return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
    }
}
