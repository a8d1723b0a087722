package socks5d.proxy.wire;

/** RFC 1928 §4 CMD values; an unknown value decodes as {@link #UNKNOWN} and is answered 0x07. */
public enum CommandCode {
    CONNECT(0x01),
    BIND(0x02),
    UDP_ASSOCIATE(0x03),
    UNKNOWN(-1);

    private final int code;

    CommandCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static CommandCode fromCode(int code) {
        for (CommandCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
