package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One reply of each type the user directory may send, for the tests of each protocol's mapping
 * from replies to statuses, and the check that a test covers every type of a sealed reply.
 */
public final class UserReplyCases {
    public static final UserDirectory.UserInfo ALICE = new UserDirectory.UserInfo("alice", UserDirectory.Role.BASIC);
    public static final UserDirectory.Added ADDED = new UserDirectory.Added(ALICE);
    public static final UserDirectory.Updated UPDATED = new UserDirectory.Updated(ALICE);
    public static final UserDirectory.AlreadyExists ALREADY_EXISTS = UserDirectory.AlreadyExists.INSTANCE;
    public static final UserDirectory.LimitReached LIMIT_REACHED = UserDirectory.LimitReached.INSTANCE;
    public static final UserDirectory.Invalid INVALID = new UserDirectory.Invalid("ULEN 0\nsecond line");
    public static final UserDirectory.Failed FAILED = new UserDirectory.Failed("disk full");
    public static final UserDirectory.Removed REMOVED = new UserDirectory.Removed(ALICE);
    public static final UserDirectory.NotFound NOT_FOUND = UserDirectory.NotFound.INSTANCE;
    public static final UserDirectory.Limits LIMITS = new UserDirectory.Limits(4, 1_000_000);
    public static final UserDirectory.LimitsSet LIMITS_SET = new UserDirectory.LimitsSet(ALICE, LIMITS);

    private UserReplyCases() {
    }

    /**
     * Checks {@code mapping} against {@code expected}, reply by reply, and that {@code expected}
     * holds exactly one reply of each type {@code sealed} permits.
     */
    public static <R, S> void assertMapsEach(Class<R> sealed, Map<R, S> expected, Function<R, S> mapping) {
        assertOneOfEach(sealed, expected.keySet());
        expected.forEach((reply, status) -> assertEquals(status, mapping.apply(reply), reply.toString()));
    }

    private static void assertOneOfEach(Class<?> sealed, Collection<?> cases) {
        Set<Class<?>> permitted = Stream.of(sealed.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(permitted, cases.stream().map(Object::getClass).collect(Collectors.toSet()),
                "one case per reply type of " + sealed.getSimpleName());
        assertEquals(permitted.size(), cases.size(), "one case per reply type of " + sealed.getSimpleName());
    }
}
