package socks5d.management.mass.wire;

import java.util.Optional;

/**
 * METHOD values of the MASS method negotiation (docs/protocols/mass.md, Method negotiation; as
 * RFC 1928 §3).
 */
public enum MassMethod {
    NO_AUTHENTICATION_REQUIRED(0),
    USERNAME_PASSWORD(2),
    NO_ACCEPTABLE_METHODS(255);

    private final int code;

    MassMethod(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MassMethod> fromCode(int code) {
        for (MassMethod m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
