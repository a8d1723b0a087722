package socks5d.management.mcp.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * An MCP request as the server reads it (docs/protocols/mcp.md, Frame and Commands). Every frame
 * with VER 0x01 decodes to one of these, including an unknown CMD ({@link Unsupported}) and a
 * payload whose inner lengths do not add up ({@link Malformed}), so the server, not the decoder,
 * chooses the status and the connection stays usable (docs/protocols/mcp.md, Errors and framing).
 * Immutable.
 *
 * <pre>
 *   +------+------+----------+======================+
 *   | VER  | CMD  |   LEN    |       PAYLOAD        |
 *   +------+------+----------+======================+
 *   |  1   |  1   |    2     |      Variable        |
 *   +------+------+----------+======================+
 * </pre>
 */
public sealed interface McpRequest {
    /** GET_METRICS, empty payload. */
    enum GetMetrics implements McpRequest { INSTANCE }

    /** GET_LIMIT_METRICS (socks5d's extension: docs/protocols/mcp.md), empty payload. */
    enum GetLimitMetrics implements McpRequest { INSTANCE }

    /** LIST_USERS, empty payload. */
    enum ListUsers implements McpRequest { INSTANCE }

    /** Extension: the cluster's nodes (docs/protocols/mcp.md, CLUSTER_NODES). */
    enum ClusterNodes implements McpRequest { INSTANCE }

    /**
     * ADD_USER (adds a BASIC user: docs/protocols/mcp.md, ADD_USER).
     * <pre>
     *   +------+----------+------+----------+
     *   | ULEN | USERNAME | PLEN | PASSWORD |
     *   +------+----------+------+----------+
     *   |  1   | 1 to 255 |  1   | 1 to 255 |
     *   +------+----------+------+----------+
     * </pre>
     */
    record AddUser(String name, String password) implements McpRequest {
        public AddUser {
            McpCodec.requireField("USERNAME", name);
            McpCodec.requireField("PASSWORD", password);
        }

        @Override
        public String toString() {
            return "AddUser[name=" + name + ", password=***]";
        }
    }

    /**
     * REMOVE_USER.
     * <pre>
     *   +------+----------+
     *   | ULEN | USERNAME |
     *   +------+----------+
     *   |  1   | 1 to 255 |
     *   +------+----------+
     * </pre>
     */
    record RemoveUser(String name) implements McpRequest {
        public RemoveUser {
            McpCodec.requireField("USERNAME", name);
        }
    }

    /**
     * TOGGLE_DISECTOR (docs/protocols/mcp.md). An empty payload flips the switch; the client may
     * instead name the new state in one STATE octet (0x01 on, 0x00 off). {@code wanted} is empty
     * for a flip.
     * <pre>
     *   +---------+
     *   | [STATE] |
     *   +---------+
     *   | 0 or 1  |
     *   +---------+
     * </pre>
     */
    record ToggleDissector(Optional<Boolean> wanted) implements McpRequest {
        public ToggleDissector {
            Objects.requireNonNull(wanted, "wanted");
        }
    }

    /** A CMD octet this server does not know; answered CMD_NOT_SUPPORTED. */
    record Unsupported(int code) implements McpRequest {
        public Unsupported {
            if (code < 0 || code > McpCodec.MAX_OCTET || McpCommand.fromCode(code).isPresent()) {
                throw new IllegalArgumentException("not an unknown CMD: " + code);
            }
        }
    }

    /** A known CMD whose payload does not add up; answered ERROR. Never encoded. */
    record Malformed(McpCommand command, String why) implements McpRequest {
        public Malformed {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(why, "why");
        }
    }
}
