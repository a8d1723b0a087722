package socks5d.management.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

import socks5d.management.UserReplies;
import socks5d.management.users.UserDirectory;

/**
 * The HTTP admin API's response to each reply of the user directory (docs/operations.md, HTTP
 * admin endpoint): the status and its JSON body. A user list that could not be saved is 503.
 * Immutable.
 */
final class HttpUserReplies {
    private static final HttpResponse NOT_FOUND = AdminHttpServer.error(StatusCodes.NOT_FOUND, "user not found");
    private static final HttpResponse NOT_SAVED = AdminHttpServer.error(StatusCodes.SERVICE_UNAVAILABLE,
            "could not save the user list");

    /**
     * {@code POST /api/users}: 201 with the user, 409 for a taken name or a full user list, 400 for
     * a bad name or password. {@code Updated} answers only a put; it stores the user, as {@code Added}.
     */
    static final UserReplies.ToAdd<HttpResponse> ADD_USER = new UserReplies.ToAdd<>(
            HttpUserReplies::stored, HttpUserReplies::stored,
            AdminHttpServer.error(StatusCodes.CONFLICT, "user already exists"),
            AdminHttpServer.error(StatusCodes.CONFLICT, "user limit reached"),
            why -> AdminHttpServer.error(StatusCodes.BAD_REQUEST, why), failed -> NOT_SAVED);
    /** {@code DELETE /api/users/NAME}: 200 with the name, 404 for a name that is not a user. */
    static final UserReplies.ToRemove<HttpResponse> DELETE_USER = new UserReplies.ToRemove<>(
            removed -> AdminHttpServer.json(StatusCodes.OK, Json.obj("deleted", Json.str(removed.name()))),
            NOT_FOUND, failed -> NOT_SAVED);
    /** {@code POST /api/limits}: 200 with the limits set, 404 for a name that is not a user. */
    static final UserReplies.ToSetLimits<HttpResponse> SET_LIMITS = new UserReplies.ToSetLimits<>(
            (user, limits) -> AdminHttpServer.json(StatusCodes.OK, Json.obj("name", Json.str(user.name()),
                    "sessions", Long.toString(limits.maxSessions()), "bandwidth", Long.toString(limits.bandwidth()))),
            NOT_FOUND, failed -> NOT_SAVED);

    private HttpUserReplies() {
    }

    private static HttpResponse stored(UserDirectory.UserInfo user) {
        return AdminHttpServer.json(StatusCodes.CREATED,
                Json.obj("added", Json.str(user.name()), "role", Json.str(user.role().name())));
    }
}
