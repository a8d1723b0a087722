package socks5d.management.mcp;

import socks5d.management.UserReplies;
import socks5d.management.mcp.wire.McpStatus;

/**
 * The MCP status of each reply of the user directory (docs/protocols/mcp.md, Status codes); the
 * user list that could not be saved is ERROR. Immutable.
 */
final class McpUserStatus {
    /** ADD_USER. {@code Updated} answers only a put; it stores the user, as {@code Added}. */
    static final UserReplies.ToAdd<McpStatus> ADD_USER = new UserReplies.ToAdd<>(added -> McpStatus.OK,
            updated -> McpStatus.OK, McpStatus.USER_EXISTS, McpStatus.USER_LIMIT, invalid -> McpStatus.ERROR,
            failed -> McpStatus.ERROR);
    /** REMOVE_USER. */
    static final UserReplies.ToRemove<McpStatus> REMOVE_USER = new UserReplies.ToRemove<>(removed -> McpStatus.OK,
            McpStatus.USER_NOT_FOUND, failed -> McpStatus.ERROR);

    private McpUserStatus() {
    }
}
