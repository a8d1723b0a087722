package socks5d.proxy.dissect;

import java.util.Locale;

/**
 * One client command line of a login protocol (POP3 RFC 1939 §3, FTP RFC 959 §5.3): a keyword,
 * matched case-insensitively, then after one space the argument exactly as sent (a password may
 * contain spaces, so the rest of the line is one argument). Pure value.
 *
 * @param verb     the keyword in upper case
 * @param argument the rest of the line after the first space; empty when there is none
 */
record CommandLine(String verb, String argument) {
    static CommandLine parse(String line) {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        return new CommandLine(verb.toUpperCase(Locale.ROOT), space < 0 ? "" : line.substring(space + 1));
    }

    boolean is(String keyword) {
        return verb.equals(keyword);
    }
}
