package socks5d.management.mass.wire;

import java.util.Optional;

/**
 * REQUEST INDEX values (docs/protocols/mass.md, Requests and replies). 0x00..0x09 retrieve
 * information, 0x0A..0x0D change the server. Unknown indexes stay representable as
 * {@link MassRequest.Unknown}.
 */
public enum MassIndex {
    SUPPORTED_INDEXES(0),
    USER_LIST(1),
    HISTORIC_CONNECTIONS(2),
    CURRENT_CONNECTIONS(3),
    MAX_CONCURRENT_CONNECTIONS(4),
    BYTES_TRANSFERRED(5),
    AUTH_ATTEMPTS(6),
    CONNECTION_ATTEMPTS(7),
    AVG_READ_SIZE(8),
    AVG_WRITE_SIZE(9),
    ADD_USER(10),
    DELETE_USER(11),
    SET_AUTHENTICATION(12),
    SET_DISSECTORS(13);

    private final int code;

    MassIndex(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MassIndex> fromCode(int code) {
        for (MassIndex i : values()) {
            if (i.code == code) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
