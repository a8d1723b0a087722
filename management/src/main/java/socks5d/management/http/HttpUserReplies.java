package socks5d.management.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

import socks5d.management.users.UserDirectory;

/**
 * The HTTP admin API's response to each reply of the user directory (docs/operations.md, HTTP
 * admin endpoint): one branch per reply type the directory may send, the last one by cast, so a
 * reply type added to the directory fails {@code HttpUserRepliesTest} instead of falling into a
 * default. Pure.
 */
final class HttpUserReplies {
    private HttpUserReplies() {
    }

    /**
     * {@code POST /api/users}: 201 with the user, 409 for a taken name or a full user list, 400 for
     * a bad name or password. {@code Updated} answers only a put; it stores the user, as {@code Added}.
     */
    static HttpResponse of(UserDirectory.AddUserReply reply) {
        if (reply instanceof UserDirectory.Added added) {
            return stored(added.user());
        } else if (reply instanceof UserDirectory.Updated updated) {
            return stored(updated.user());
        } else if (reply instanceof UserDirectory.AlreadyExists) {
            return AdminHttpServer.error(StatusCodes.CONFLICT, "user already exists");
        } else if (reply instanceof UserDirectory.LimitReached) {
            return AdminHttpServer.error(StatusCodes.CONFLICT, "user limit reached");
        } else if (reply instanceof UserDirectory.Invalid invalid) {
            return AdminHttpServer.error(StatusCodes.BAD_REQUEST, invalid.why());
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** {@code DELETE /api/users/NAME}: 200 with the name, 404 for a name that is not a user. */
    static HttpResponse of(UserDirectory.RemoveUserReply reply) {
        if (reply instanceof UserDirectory.Removed removed) {
            return AdminHttpServer.json(StatusCodes.OK, Json.obj("deleted", Json.str(removed.user().name())));
        } else if (reply instanceof UserDirectory.NotFound) {
            return notFound();
        }
        return failed((UserDirectory.Failed) reply);
    }

    /** {@code POST /api/limits}: 200 with the limits set, 404 for a name that is not a user. */
    static HttpResponse of(UserDirectory.SetLimitsReply reply) {
        if (reply instanceof UserDirectory.LimitsSet set) {
            return AdminHttpServer.json(StatusCodes.OK, Json.obj("name", Json.str(set.user().name()),
                    "sessions", Long.toString(set.limits().maxSessions()),
                    "bandwidth", Long.toString(set.limits().bandwidth())));
        } else if (reply instanceof UserDirectory.NotFound) {
            return notFound();
        }
        return failed((UserDirectory.Failed) reply);
    }

    private static HttpResponse stored(UserDirectory.UserInfo user) {
        return AdminHttpServer.json(StatusCodes.CREATED,
                Json.obj("added", Json.str(user.name()), "role", Json.str(user.role().name())));
    }

    private static HttpResponse notFound() {
        return AdminHttpServer.error(StatusCodes.NOT_FOUND, "user not found");
    }

    /** The user list could not be saved; the directory is unchanged. */
    private static HttpResponse failed(UserDirectory.Failed reply) {
        return AdminHttpServer.error(StatusCodes.SERVICE_UNAVAILABLE, "could not save the user list");
    }
}
