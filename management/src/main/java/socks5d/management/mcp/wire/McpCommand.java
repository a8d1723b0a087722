package socks5d.management.mcp.wire;

import java.util.Optional;

/**
 * The CMD octet of an MCP request (docs/protocols/mcp.md, Commands). Unknown codes stay
 * representable as {@link McpRequest.Unsupported}.
 */
public enum McpCommand {
    /** Six uint64 counters. */
    GET_METRICS(0),
    /** COUNT then (ULEN USERNAME)*. */
    LIST_USERS(1),
    /** ULEN USERNAME PLEN PASSWORD. */
    ADD_USER(2),
    /** ULEN USERNAME. */
    REMOVE_USER(3),
    /** The dissector switch, with an optional STATE octet (1 = on). */
    TOGGLE_DISECTOR(4),
    /** socks5d's extension: five uint64 counters of the limits. */
    GET_LIMIT_METRICS(5),
    /**
     * Extension (docs/protocols/mcp.md, CLUSTER_NODES): the nodes of the cluster, one text line each;
     * an empty payload when the server runs alone.
     */
    CLUSTER_NODES(0x10);

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
