package socks5d.proxy.wire;

/** RFC 1928 §6 REP values, named after the RFC's wording. */
public enum ReplyCode {
    SUCCEEDED(0x00),
    GENERAL_FAILURE(0x01),
    CONNECTION_NOT_ALLOWED_BY_RULESET(0x02),
    NETWORK_UNREACHABLE(0x03),
    HOST_UNREACHABLE(0x04),
    CONNECTION_REFUSED(0x05),
    TTL_EXPIRED(0x06),
    COMMAND_NOT_SUPPORTED(0x07),
    ADDRESS_TYPE_NOT_SUPPORTED(0x08);

    private final int code;

    ReplyCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ReplyCode fromCode(int code) {
        for (ReplyCode r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("not an RFC 1928 reply code: " + code);
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
