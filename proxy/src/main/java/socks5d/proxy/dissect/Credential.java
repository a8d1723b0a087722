package socks5d.proxy.dissect;

/**
 * A credential seen in clear text at the start of a relayed session (docs/protocols/socks5.md,
 * Credential lines).
 *
 * @param protocol the protocol word of the report line: {@code POP3}, {@code HTTP}, {@code FTP}
 * @param user     the user name as sent
 * @param password the password as sent; empty when the protocol does not reveal it (POP3 APOP)
 */
public record Credential(String protocol, String user, String password) {
    @Override
    public String toString() {
        return "Credential[" + protocol + ", user=" + user + ", password=<hidden>]";
    }
}
