package socks5d.management.mass;

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

import socks5d.management.mass.wire.MassStatus;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserReplyCases;

/** docs/protocols/mass.md, Status codes. */
class MassUserStatusTest {
    @Test
    void mapsEachAddUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.AddUserReply.class, Map.of(
                ADDED, MassStatus.SUCCESS,
                UPDATED, MassStatus.SUCCESS,
                ALREADY_EXISTS, MassStatus.SERVER_ERROR,
                LIMIT_REACHED, MassStatus.USER_LIMIT,
                INVALID, MassStatus.SERVER_ERROR,
                FAILED, MassStatus.SERVER_ERROR), MassUserStatus.ADD_USER::of);
    }

    @Test
    void mapsEachRemoveUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.RemoveUserReply.class, Map.of(
                REMOVED, MassStatus.SUCCESS,
                NOT_FOUND, MassStatus.SERVER_ERROR,
                FAILED, MassStatus.SERVER_ERROR), MassUserStatus.DELETE_USER::of);
    }
}
