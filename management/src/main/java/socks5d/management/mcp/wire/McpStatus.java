package socks5d.management.mcp.wire;

import java.util.Optional;

/**
 * The STATUS octet of an MCP response, in the CMD position of the header (docs/protocols/mcp.md,
 * Status codes).
 */
public enum McpStatus {
    OK(0),
    ERROR(1),
    CMD_NOT_SUPPORTED(2),
    USER_NOT_FOUND(3),
    USER_EXISTS(4),
    USER_LIMIT(5);

    private final int code;

    McpStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<McpStatus> fromCode(int code) {
        for (McpStatus s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
