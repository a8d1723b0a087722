package socks5d.management.mcp.wire;

import java.util.Objects;

import org.apache.pekko.util.ByteString;

/**
 * An MCP response (docs/protocols/mcp.md, Frame): the request header with the CMD octet reused as
 * STATUS. The payload's layout depends on the command answered; {@link McpCodec} builds and reads
 * the payloads of GET_METRICS, LIST_USERS and TOGGLE_DISECTOR. Immutable.
 *
 * <pre>
 *   +------+--------+----------+======================+
 *   | VER  | STATUS |   LEN    |       PAYLOAD        |
 *   +------+--------+----------+======================+
 *   |  1   |   1    |    2     |      Variable        |
 *   +------+--------+----------+======================+
 * </pre>
 */
public record McpResponse(McpStatus status, ByteString payload) {
    public McpResponse {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(payload, "payload");
        if (payload.size() > McpCodec.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload longer than LEN can say: " + payload.size());
        }
    }

    /** A response with an empty payload, as ADD_USER, REMOVE_USER and every failure send. */
    public static McpResponse of(McpStatus status) {
        return new McpResponse(status, ByteString.emptyByteString());
    }
}
