package socks5d.management.http;

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

import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserReplyCases;

/** docs/operations.md, HTTP admin endpoint: the status and JSON body of each user reply. */
class HttpUserRepliesTest {
    private static final String NOT_SAVED = "503 {\"error\":\"could not save the user list\"}";
    private static final String NO_SUCH_USER = "404 {\"error\":\"user not found\"}";
    private static final String STORED = "201 {\"added\":\"alice\",\"role\":\"BASIC\"}";

    /** {@code STATUS BODY}. */
    private static String shown(HttpResponse r) {
        return r.status().intValue() + " " + ((HttpEntity.Strict) r.entity()).getData().utf8String();
    }

    @Test
    void mapsEachAddUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.AddUserReply.class, Map.of(
                ADDED, STORED,
                UPDATED, STORED,
                ALREADY_EXISTS, "409 {\"error\":\"user already exists\"}",
                LIMIT_REACHED, "409 {\"error\":\"user limit reached\"}",
                INVALID, "400 {\"error\":\"ULEN 0\\nsecond line\"}",
                FAILED, NOT_SAVED), reply -> shown(HttpUserReplies.ADD_USER.of(reply)));
    }

    @Test
    void mapsEachRemoveUserReply() {
        UserReplyCases.assertMapsEach(UserDirectory.RemoveUserReply.class, Map.of(
                REMOVED, "200 {\"deleted\":\"alice\"}",
                NOT_FOUND, NO_SUCH_USER,
                FAILED, NOT_SAVED), reply -> shown(HttpUserReplies.DELETE_USER.of(reply)));
    }

    @Test
    void mapsEachSetLimitsReply() {
        UserReplyCases.assertMapsEach(UserDirectory.SetLimitsReply.class, Map.of(
                LIMITS_SET, "200 {\"name\":\"alice\",\"sessions\":4,\"bandwidth\":1000000}",
                NOT_FOUND, NO_SUCH_USER,
                FAILED, NOT_SAVED), reply -> shown(HttpUserReplies.SET_LIMITS.of(reply)));
    }
}
