package socks5d.management.mass.wire;

import java.util.Optional;

/** STATUS of a MASS reply (docs/protocols/mass.md, Status codes). */
public enum MassStatus {
    SUCCESS(0),
    SERVER_ERROR(1),
    INDEX_NOT_SUPPORTED(2),
    USER_LIMIT(3);

    private final int code;

    MassStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MassStatus> fromCode(int code) {
        for (MassStatus s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
