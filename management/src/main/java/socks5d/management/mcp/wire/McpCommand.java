package socks5d.management.mcp.wire;

import java.util.Optional;

/** The CMD octet of an MCP request (seed 001 §4). Unknown codes stay representable as {@link McpRequest.Unsupported}. */
public enum McpCommand {
    /** §4.1: six uint64 counters. */
    GET_METRICS(0),
    /** §4.2: COUNT then (ULEN USERNAME)*. */
    LIST_USERS(1),
    /** §4.3: ULEN USERNAME PLEN PASSWORD. */
    ADD_USER(2),
    /** §4.4: ULEN USERNAME. */
    REMOVE_USER(3),
    /** §4.5: the dissector switch; SPEC §8 adds an optional STATE octet (1 = on). */
    TOGGLE_DISECTOR(4);

    private final int code;

    McpCommand(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<McpCommand> fromCode(int code) {
        for (McpCommand c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
