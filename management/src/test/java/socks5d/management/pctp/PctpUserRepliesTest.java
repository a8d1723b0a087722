package socks5d.management.pctp;

import static socks5d.management.users.UserReplyCases.ADDED;
import static socks5d.management.users.UserReplyCases.ALREADY_EXISTS;
import static socks5d.management.users.UserReplyCases.FAILED;
import static socks5d.management.users.UserReplyCases.INVALID;
import static socks5d.management.users.UserReplyCases.LIMITS_SET;
import static socks5d.management.users.UserReplyCases.LIMIT_REACHED;
import static socks5d.management.users.UserReplyCases.NOT_FOUND;
import static socks5d.management.users.UserReplyCases.REMOVED;
import static socks5d.management.users.UserReplyCases.UPDATED;

import java.util.Map;

import org.junit.jupiter.api.Test;

import socks5d.management.pctp.wire.PctpReply;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserReplyCases;

/** docs/protocols/pctp.md, Replies. */
class PctpUserRepliesTest {
    private static final PctpReply NOT_SAVED = new PctpReply.Err("Could not save the user list");
    private static final PctpReply NO_SUCH_USER = new PctpReply.Err("User not found");

    @Test
    void mapsEachAddUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.AddUserReply.class, Map.of(
                ADDED, new PctpReply.Ok("Successfully added user"),
                UPDATED, new PctpReply.Ok("Successfully added user"),
                ALREADY_EXISTS, new PctpReply.Err("User already exists"),
                LIMIT_REACHED, new PctpReply.Err("User limit reached"),
                INVALID, new PctpReply.Err("ULEN 0 second line"),
                FAILED, NOT_SAVED), PctpUserReplies.ADD::of);
    }

    @Test
    void mapsEachRemoveUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.RemoveUserReply.class, Map.of(
                REMOVED, new PctpReply.Ok("Successfully deleted user"),
                NOT_FOUND, NO_SUCH_USER,
                FAILED, NOT_SAVED), PctpUserReplies.DEL::of);
    }

    @Test
    void mapsEachSetLimitsReply() {
        UserReplyCases.assertMapsEach(UserDirectory.SetLimitsReply.class, Map.of(
                LIMITS_SET, new PctpReply.Ok("Limits set"),
                NOT_FOUND, NO_SUCH_USER,
                FAILED, NOT_SAVED), PctpUserReplies.LIMIT::of);
    }
}
