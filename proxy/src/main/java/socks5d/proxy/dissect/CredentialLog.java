package socks5d.proxy.dissect;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the password dissector's report line (docs/protocols/socks5.md, Credential lines) on the
 * logger {@code socks5d.credentials}, the one deliberate place where a password appears in clear
 * (turned off with {@code -N}, MCP TOGGLE_DISECTOR or MASS 0x0D). The only class that writes this
 * line. Thread-safe (stateless).
 */
public final class CredentialLog {
    public static final String LOGGER = "socks5d.credentials";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private CredentialLog() {
    }

    /**
     * {@code timestamp TAB user TAB P TAB protocol TAB destination TAB destination-port TAB
     * protocol-user TAB protocol-password}; {@code user} is the SOCKS user or {@code -}.
     */
    public static String format(Instant time, String socksUser, String destination, int destinationPort, Credential c) {
        return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS))
                + '\t' + field(socksUser)
                + "\tP\t" + c.protocol()
                + '\t' + field(destination)
                + '\t' + destinationPort
                + '\t' + field(c.user())
                + '\t' + field(c.password());
    }

    public static void report(String socksUser, String destination, int destinationPort, Credential c) {
        if (!log.isInfoEnabled()) {
            return;
        }
        Instant now = Instant.now();
        // The fields again as key-value pairs, for the JSON log format (docs/operations.md, Logs).
        log.atInfo().addKeyValue("time", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)))
                .addKeyValue("user", socksUser)
                .addKeyValue("kind", "P")
                .addKeyValue("protocol", c.protocol())
                .addKeyValue("destination", destination)
                .addKeyValue("destination_port", destinationPort)
                .addKeyValue("protocol_user", c.user())
                .addKeyValue("protocol_password", c.password())
                .log(format(now, socksUser, destination, destinationPort, c));
    }

    /** Client-supplied text stays on one line of eight fields: control characters and backslash become {@code \xHH}. */
    private static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 || ch == 0x7F || ch == '\\') {
                b.append(String.format("\\x%02x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
