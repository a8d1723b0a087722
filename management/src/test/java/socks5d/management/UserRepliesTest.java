package socks5d.management;

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

import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserReplyCases;

/** Each reply reaches its own answer, with what it carries; every reply type has one. */
class UserRepliesTest {
    @Test
    void answersEachAddUserReplyWithItsOwnComponent() {
        UserReplies.ToAdd<String> answers = new UserReplies.ToAdd<>(u -> "added " + u.name(),
                u -> "updated " + u.name(), "already exists", "limit reached", why -> "invalid: " + why,
                why -> "failed: " + why);
        UserReplyCases.assertMapsEach(UserDirectory.AddUserReply.class, Map.of(
                ADDED, "added alice",
                UPDATED, "updated alice",
                ALREADY_EXISTS, "already exists",
                LIMIT_REACHED, "limit reached",
                INVALID, "invalid: ULEN 0\nsecond line",
                FAILED, "failed: disk full"), answers::of);
    }

    @Test
    void answersEachRemoveUserReplyWithItsOwnComponent() {
        UserReplies.ToRemove<String> answers = new UserReplies.ToRemove<>(u -> "removed " + u.name(), "not found",
                why -> "failed: " + why);
        UserReplyCases.assertMapsEach(UserDirectory.RemoveUserReply.class, Map.of(
                REMOVED, "removed alice",
                NOT_FOUND, "not found",
                FAILED, "failed: disk full"), answers::of);
    }

    @Test
    void answersEachSetLimitsReplyWithItsOwnComponent() {
        UserReplies.ToSetLimits<String> answers = new UserReplies.ToSetLimits<>(
                (u, limits) -> u.name() + " " + limits.maxSessions() + " " + limits.bandwidth(), "not found",
                why -> "failed: " + why);
        UserReplyCases.assertMapsEach(UserDirectory.SetLimitsReply.class, Map.of(
                LIMITS_SET, "alice 4 1000000",
                NOT_FOUND, "not found",
                FAILED, "failed: disk full"), answers::of);
    }
}
