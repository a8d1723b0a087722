package socks5d.management;

import java.util.function.BiFunction;
import java.util.function.Function;

import socks5d.management.users.UserDirectory;

/**
 * What a management protocol answers to each reply of the user directory: one record per reply
 * interface, with one component per reply type, so a protocol that leaves a reply type out does
 * not compile. The dispatch on the reply's type is written once, here: one branch per type, the
 * last one by cast (Java 17 has no exhaustive {@code switch} over a sealed interface), and
 * {@code UserRepliesTest} fails when the directory gains a reply type. Immutable; pure as long as
 * the answers are.
 */
public final class UserReplies {
    private UserReplies() {
    }

    /** The answers to {@code AddUser} and {@code PutUser}, one per {@link UserDirectory.AddUserReply} type. */
    public record ToAdd<S>(Function<UserDirectory.UserInfo, S> added, Function<UserDirectory.UserInfo, S> updated,
                           S alreadyExists, S limitReached, Function<String, S> invalid, Function<String, S> failed) {
        public S of(UserDirectory.AddUserReply reply) {
            if (reply instanceof UserDirectory.Added a) {
                return added.apply(a.user());
            } else if (reply instanceof UserDirectory.Updated u) {
                return updated.apply(u.user());
            } else if (reply instanceof UserDirectory.AlreadyExists) {
                return alreadyExists;
            } else if (reply instanceof UserDirectory.LimitReached) {
                return limitReached;
            } else if (reply instanceof UserDirectory.Invalid i) {
                return invalid.apply(i.why());
            }
            return failed.apply(((UserDirectory.Failed) reply).why());
        }
    }

    /** The answers to {@code RemoveUser}, one per {@link UserDirectory.RemoveUserReply} type. */
    public record ToRemove<S>(Function<UserDirectory.UserInfo, S> removed, S notFound, Function<String, S> failed) {
        public S of(UserDirectory.RemoveUserReply reply) {
            if (reply instanceof UserDirectory.Removed r) {
                return removed.apply(r.user());
            } else if (reply instanceof UserDirectory.NotFound) {
                return notFound;
            }
            return failed.apply(((UserDirectory.Failed) reply).why());
        }
    }

    /** The answers to {@code SetLimits}, one per {@link UserDirectory.SetLimitsReply} type. */
    public record ToSetLimits<S>(BiFunction<UserDirectory.UserInfo, UserDirectory.Limits, S> limitsSet, S notFound,
                                 Function<String, S> failed) {
        public S of(UserDirectory.SetLimitsReply reply) {
            if (reply instanceof UserDirectory.LimitsSet set) {
                return limitsSet.apply(set.user(), set.limits());
            } else if (reply instanceof UserDirectory.NotFound) {
                return notFound;
            }
            return failed.apply(((UserDirectory.Failed) reply).why());
        }
    }
}
