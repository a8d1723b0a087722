package socks5d.management.mcp;

import static socks5d.management.users.UserReplyCases.ADDED;
import static socks5d.management.users.UserReplyCases.ALREADY_EXISTS;
import static socks5d.management.users.UserReplyCases.FAILED;
import static socks5d.management.users.UserReplyCases.INVALID;
import static socks5d.management.users.UserReplyCases.LIMIT_REACHED;
import static socks5d.management.users.UserReplyCases.NOT_FOUND;
import static socks5d.management.users.UserReplyCases.REMOVED;
import static socks5d.management.users.UserReplyCases.UPDATED;

import java.util.Map;

import org.junit.jupiter.api.Test;

import socks5d.management.mcp.wire.McpStatus;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserReplyCases;

/** docs/protocols/mcp.md, Status codes. */
class McpUserStatusTest {
    @Test
    void mapsEachAddUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.AddUserReply.class, Map.of(
                ADDED, McpStatus.OK,
                UPDATED, McpStatus.OK,
                ALREADY_EXISTS, McpStatus.USER_EXISTS,
                LIMIT_REACHED, McpStatus.USER_LIMIT,
                INVALID, McpStatus.ERROR,
                FAILED, McpStatus.ERROR), McpUserStatus.ADD_USER::of);
    }

    @Test
    void mapsEachRemoveUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.RemoveUserReply.class, Map.of(
                REMOVED, McpStatus.OK,
                NOT_FOUND, McpStatus.USER_NOT_FOUND,
                FAILED, McpStatus.ERROR), McpUserStatus.REMOVE_USER::of);
    }
}
