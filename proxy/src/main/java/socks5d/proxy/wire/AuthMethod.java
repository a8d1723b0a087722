package socks5d.proxy.wire;

/**
 * RFC 1928 §3 METHOD values. Unknown values stay representable through {@link #fromCode(int)}
 * returning {@code null}-free {@link #OTHER}; the method chooser ignores them.
 */
public enum AuthMethod {
    NO_AUTHENTICATION_REQUIRED(0x00),
    GSSAPI(0x01),
    USERNAME_PASSWORD(0x02),
    NO_ACCEPTABLE_METHODS(0xFF),
    /** Any value RFC 1928 assigns to IANA or private use that this server does not implement. */
    OTHER(-1);

    private final int code;

    AuthMethod(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static AuthMethod fromCode(int code) {
        for (AuthMethod m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        return OTHER;
    }
}
