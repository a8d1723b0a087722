package socks5d.management.mcp;

import socks5d.management.mcp.wire.McpStatus;
import socks5d.management.users.UserDirectory;

/**
 * The MCP status of each reply of the user directory (docs/protocols/mcp.md, Status codes): one
 * branch per reply type the directory may send, the last one by cast, so a reply type added to
 * the directory fails {@code McpUserStatusTest} instead of falling into a default. Pure.
 */
final class McpUserStatus {
    private McpUserStatus() {
    }

    /** ADD_USER's status. {@code Updated} answers only a put; it stores the user, as {@code Added}. */
    static McpStatus of(UserDirectory.AddUserReply reply) {
        if (reply instanceof UserDirectory.Added || reply instanceof UserDirectory.Updated) {
            return McpStatus.OK;
        } else if (reply instanceof UserDirectory.AlreadyExists) {
            return McpStatus.USER_EXISTS;
        } else if (reply instanceof UserDirectory.LimitReached) {
            return McpStatus.USER_LIMIT;
        } else if (reply instanceof UserDirectory.Invalid) {
            return McpStatus.ERROR;
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** REMOVE_USER's status. */
    static McpStatus of(UserDirectory.RemoveUserReply reply) {
        if (reply instanceof UserDirectory.Removed) {
            return McpStatus.OK;
        } else if (reply instanceof UserDirectory.NotFound) {
            return McpStatus.USER_NOT_FOUND;
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** The user list could not be saved: ERROR (docs/protocols/mcp.md, Status codes). */
    private static McpStatus failed(UserDirectory.Failed reply) {
        return McpStatus.ERROR;
    }
}
