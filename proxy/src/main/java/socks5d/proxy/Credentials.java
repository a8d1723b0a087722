package socks5d.proxy;

import socks5d.wire.CredentialField;

/**
 * An ADMIN user given on the command line ({@code -u USER:PASS}, README, Command line), stored by the
 * server at start. Immutable; {@link #toString} hides the password.
 */
public record Credentials(String user, String password) {
    /**
     * Parses a {@code USER:PASS} value: the first {@code ':'} separates them, and each must be a valid
     * RFC 1929 field (1 to 255 bytes).
     *
     * @throws IllegalArgumentException saying what is wrong, for the usage error (exit 2)
     */
    public static Credentials parse(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("-u needs USER:PASS, got a value without ':'");
        }
        String name = value.substring(0, colon);
        String pass = value.substring(colon + 1);
        String why = CredentialField.invalid("user", name);
        why = why != null ? why : CredentialField.invalid("password", pass);
        if (why != null) {
            throw new IllegalArgumentException("-u " + why + " (RFC 1929)");
        }
        return new Credentials(name, pass);
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=<hidden>]";
    }
}
