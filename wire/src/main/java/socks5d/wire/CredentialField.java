package socks5d.wire;

import java.util.Objects;

/**
 * The one rule every user name and password in socks5d follows, wherever it arrives (RFC 1929 §2
 * UNAME/PASSWD, MCP ADD_USER, MASS 0x0A, PCTP, {@code -u}, the user file): 1 to 255 bytes of UTF-8,
 * because each protocol carries its length in one octet. Pure.
 */
public final class CredentialField {
    public static final int MIN_BYTES = 1;
    public static final int MAX_BYTES = 255;

    private CredentialField() {
    }

    /** Why {@code value} breaks the rule, naming it {@code field}, or {@code null} if it does not. */
    public static String invalid(String field, String value) {
        if (value == null) {
            return field + " missing";
        }
        int n = utf8Length(value);
        if (n < MIN_BYTES || n > MAX_BYTES) {
            return field + " must be " + MIN_BYTES + " to " + MAX_BYTES + " bytes of UTF-8, not " + n;
        }
        return null;
    }

    /**
     * The length of {@code value} in UTF-8, as {@code value.getBytes(UTF_8).length} counts it (a lone
     * surrogate is one byte, the {@code ?} it becomes) without making the bytes: every SOCKS login
     * checks its name and password here.
     */
    public static int utf8Length(String value) {
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** For record constructors: a null value is a NullPointerException, a bad length an IllegalArgumentException. */
    public static void require(String field, String value) {
        Objects.requireNonNull(value, field);
        String why = invalid(field, value);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }
}
