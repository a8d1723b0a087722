package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import socks5d.management.users.UserDirectory.Limits;
import socks5d.management.users.UserDirectory.Role;
import socks5d.management.users.UserDirectory.UserInfo;
import socks5d.management.users.UserRecord.Stamp;

/** The rules of a change to the users, with explicit stamps and a fake wall clock; no actor, no file. */
class UsersTest {
    private static final String A = "pekko://socks5d@127.0.0.1:2551";
    private static final String B = "pekko://socks5d@127.0.0.1:2552";
    private static final Limits OWN = new Limits(4, 250_000);

    // ---- local changes

    @Test
    void addsANewNameAndRefusesATakenOne() {
        Users.Edit edit = Users.EMPTY.edit(10, null);
        assertEquals(new UserDirectory.Added(new UserInfo("ann", Role.BASIC)), edit.add(user("ann", Role.BASIC)));
        assertEquals(UserDirectory.AlreadyExists.INSTANCE, edit.add(user("ann", Role.ADMIN)));
        Users users = edit.result();
        assertEquals(Role.BASIC, users.get("ann").role());
        assertEquals(1, users.size());
    }

    @Test
    void refusesNewNamesPastTheMaximumButReplacesExistingOnes() {
        Users.Edit edit = Users.EMPTY.edit(2, null);
        edit.add(user("a", Role.BASIC));
        edit.add(user("b", Role.BASIC));
        assertEquals(UserDirectory.LimitReached.INSTANCE, edit.add(user("c", Role.BASIC)));
        assertEquals(UserDirectory.LimitReached.INSTANCE, edit.put(user("c", Role.BASIC)));
        assertEquals(new UserDirectory.Updated(new UserInfo("a", Role.ADMIN)), edit.put(user("a", Role.ADMIN)));
        edit.remove("b");
        assertEquals(new UserDirectory.Added(new UserInfo("c", Role.BASIC)), edit.put(user("c", Role.BASIC)));
        assertEquals(List.of("a", "c"), names(edit.result()));
    }

    @Test
    void aPutKeepsTheUsersOwnLimitsAndSetLimitsKeepsThePassword() {
        Users.Edit edit = Users.EMPTY.edit(10, null);
        StoredUser ann = user("ann", Role.BASIC);
        edit.add(ann);
        assertEquals(new UserDirectory.LimitsSet(new UserInfo("ann", Role.BASIC), OWN), edit.setLimits("ann", OWN));
        Users limited = edit.result();
        assertEquals(OWN, limited.get("ann").limits());
        assertSame(ann.hash(), limited.get("ann").hash(), "a limits change keeps the password record");

        Users.Edit again = limited.edit(10, null);
        StoredUser newPassword = user("ann", Role.ADMIN);
        again.put(newPassword);
        Users replaced = again.result();
        assertSame(newPassword.hash(), replaced.get("ann").hash());
        assertEquals(OWN, replaced.get("ann").limits(), "a new password keeps the limits");
    }

    @Test
    void removeAndSetLimitsOfAnUnknownNameChangeNothing() {
        Users.Edit edit = Users.EMPTY.edit(10, null);
        assertEquals(UserDirectory.NotFound.INSTANCE, edit.remove("nobody"));
        assertEquals(UserDirectory.NotFound.INSTANCE, edit.setLimits("nobody", OWN));
        edit.add(user("x", Role.BASIC));
        Users.Edit refusals = edit.result().edit(10, null);
        refusals.remove("nobody");
        refusals.add(user("x", Role.ADMIN));
        assertEquals(Set.of(), refusals.changed(), "refusals change no name");
    }

    @Test
    void removesAUserAndNamesEveryChange() {
        Users before = edited(null, e -> {
            e.add(user("ann", Role.ADMIN));
            e.add(user("bob", Role.BASIC));
        });
        Users.Edit edit = before.edit(10, null);
        assertEquals(new UserDirectory.Removed(new UserInfo("ann", Role.ADMIN)), edit.remove("ann"));
        assertEquals(UserDirectory.NotFound.INSTANCE, edit.remove("ann"));
        edit.setLimits("bob", OWN);
        assertEquals(List.of("ann", "bob"), List.copyOf(edit.changed()));
        Users after = edit.result();
        assertEquals(List.of("bob"), names(after));
        assertEquals(List.of("ann", "bob"), names(before), "an edit never changes the users it started from");
    }

    @Test
    void aNodeRunningAloneKeepsNoStamps() {
        Users users = edited(null, e -> {
            e.add(user("ann", Role.ADMIN));
            e.remove("ann");
            e.add(user("bob", Role.BASIC));
        });
        assertEquals(Map.of(), users.stamps());
        assertEquals(List.of("bob"), names(users));
    }

    @Test
    void anEditTakesNoChangeAfterItsResult() {
        Users.Edit edit = Users.EMPTY.edit(10, null);
        edit.result();
        assertThrows(IllegalStateException.class, () -> edit.add(user("ann", Role.BASIC)));
        assertThrows(IllegalStateException.class, edit::result);
    }

    // ---- stamps on a cluster node

    @Test
    void stampsEachLocalChangeAndKeepsADeletedUserAsATombstone() {
        long[] now = {1000};
        HybridClock clock = new HybridClock(A, () -> now[0]);
        Users.Edit edit = Users.EMPTY.edit(10, clock);
        edit.add(user("ann", Role.ADMIN));
        now[0] = 900; // the wall clock steps back: stamps still increase
        edit.add(user("bob", Role.BASIC));
        edit.remove("ann");
        edit.add(user("bob", Role.BASIC)); // refused: no stamp
        Users users = edit.result();
        assertEquals(Map.of("ann", new Stamp(1002, A), "bob", new Stamp(1001, A)), users.stamps());
        assertEquals(List.of("bob"), names(users));
        assertEquals(List.of("ann@1000 ADMIN", "bob@1001 BASIC", "ann@1002 deleted"), describe(edit.stamped()));
        assertEquals(List.of("bob@1001 BASIC", "ann@1002 deleted"), describe(users.records()));
    }

    @Test
    void offersUnstampedUsersAsOlderThanAnyChange() {
        StoredUser ann = user("ann", Role.ADMIN);
        Users loaded = Users.of(List.of(ann), Map.of("gone", new Stamp(7, B)));
        assertEquals(List.of("ann@0 ADMIN", "gone@7 deleted"), describe(loaded.records()));
        assertEquals(Stamp.ZERO, loaded.records().get(0).stamp());
    }

    // ---- merging other nodes' records

    @Test
    void mergesARecordOnlyIfItIsNewerThanTheNodesOwn() {
        Users users = Users.of(List.of(user("ann", Role.BASIC)), Map.of("ann", new Stamp(100, B)));
        UserRecord older = record("ann", Role.ADMIN, new Stamp(99, A));
        UserRecord same = record("ann", Role.ADMIN, new Stamp(100, B));
        UserRecord tieSmallerOrigin = record("ann", Role.ADMIN, new Stamp(100, A));
        UserRecord newer = record("ann", Role.ADMIN, new Stamp(101, A));
        assertFalse(users.isNewer(older));
        assertFalse(users.isNewer(same));
        assertFalse(users.isNewer(tieSmallerOrigin));
        assertTrue(users.isNewer(newer));

        Users.Edit edit = users.edit(10, new HybridClock(A, () -> 0));
        assertFalse(edit.merge(older));
        assertFalse(edit.merge(same));
        assertFalse(edit.merge(tieSmallerOrigin));
        assertEquals(Set.of(), edit.changed());
        assertTrue(edit.merge(newer));
        Users merged = edit.result();
        assertEquals(Role.ADMIN, merged.get("ann").role());
        assertEquals(new Stamp(101, A), merged.stamps().get("ann"));
        assertEquals(List.of(), edit.stamped(), "merged records are not sent back to the cluster");
    }

    @Test
    void aTieInTimeGoesToTheLargerOrigin() {
        Users users = Users.of(List.of(user("ann", Role.BASIC)), Map.of("ann", new Stamp(100, A)));
        Users.Edit edit = users.edit(10, null);
        assertTrue(edit.merge(record("ann", Role.ADMIN, new Stamp(100, B))));
        assertEquals(Role.ADMIN, edit.result().get("ann").role());
    }

    @Test
    void aNewerTombstoneDeletesAndANewerAddRevives() {
        Users users = Users.of(List.of(user("ann", Role.BASIC)), Map.of("ann", new Stamp(100, A)));
        Users.Edit edit = users.edit(10, null);
        assertFalse(edit.merge(UserRecord.tombstone("ann", new Stamp(50, B))), "an earlier delete loses");
        assertTrue(edit.merge(UserRecord.tombstone("ann", new Stamp(150, B))));
        Users deleted = edit.result();
        assertNull(deleted.get("ann"));
        assertEquals(new Stamp(150, B), deleted.stamps().get("ann"));

        Users.Edit revive = deleted.edit(10, null);
        assertFalse(revive.merge(record("ann", Role.ADMIN, new Stamp(120, A))), "an add older than the delete loses");
        assertTrue(revive.merge(record("ann", Role.ADMIN, new Stamp(160, A))));
        assertEquals(Role.ADMIN, revive.result().get("ann").role());
    }

    @Test
    void anUnstampedUserLosesToAnyStampedChangeAndAnUnknownNameTakesAnyRecord() {
        Users users = Users.of(List.of(user("ann", Role.BASIC)), Map.of());
        assertFalse(users.isNewer(record("ann", Role.ADMIN, Stamp.ZERO)));
        assertTrue(users.isNewer(record("ann", Role.ADMIN, new Stamp(1, ""))));
        assertTrue(users.isNewer(record("new", Role.ADMIN, Stamp.ZERO)));
        assertTrue(users.isNewer(UserRecord.tombstone("never-seen", Stamp.ZERO)));
    }

    @Test
    void aMergeDoesNotCountAgainstTheMaximumAndCarriesTheLimits() {
        Users full = Users.of(List.of(user("a", Role.BASIC)), Map.of());
        Users.Edit edit = full.edit(1, null);
        UserRecord bob = UserRecord.of(user("bob", Role.BASIC).withLimits(OWN), new Stamp(5, B));
        assertTrue(edit.merge(bob), "the other node accepted it; every node converges on it");
        Users merged = edit.result();
        assertEquals(List.of("a", "bob"), names(merged));
        assertEquals(OWN, merged.get("bob").limits());
    }

    @Test
    void aChangeMadeAfterAMergeIsStampedLaterThanIt() {
        HybridClock clock = new HybridClock(A, () -> 1000);
        Users.Edit edit = Users.EMPTY.edit(10, clock);
        assertTrue(edit.merge(record("ann", Role.BASIC, new Stamp(5000, B))));
        edit.remove("ann");
        Users users = edit.result();
        assertEquals(new Stamp(5001, A), users.stamps().get("ann"), "the local delete wins on every node");
        assertNull(users.get("ann"));
    }

    // ---- convergence

    @Provide
    Arbitrary<List<UserRecord>> records() {
        Arbitrary<UserRecord> one = Combinators.combine(
                Arbitraries.of("ann", "bob", "cy"), Arbitraries.of(Role.ADMIN, Role.BASIC, null),
                Arbitraries.longs().between(0, 4), Arbitraries.of(A, B))
                .as((name, role, time, origin) -> role == null ? UserRecord.tombstone(name, new Stamp(time, origin))
                        : record(name, role, new Stamp(time, origin)));
        return one.list().ofMaxSize(8)
                // One origin never gives two changes the same time (HybridClock): keep one record per stamp.
                .map(l -> l.stream().collect(java.util.stream.Collectors.toMap(
                        r -> r.name() + "@" + r.stamp(), r -> r, (x, y) -> x)).values().stream().toList());
    }

    @Property
    void nodesThatMergedTheSameRecordsInAnyOrderHoldTheSameUsers(@ForAll("records") List<UserRecord> records,
                                                                  @ForAll long seed) {
        List<UserRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new java.util.Random(seed));
        assertEquals(state(merged(records)), state(merged(shuffled)));
    }

    private static Users merged(List<UserRecord> records) {
        return edited(null, e -> records.forEach(e::merge));
    }

    private static Map<String, String> state(Users users) {
        Map<String, String> s = new java.util.TreeMap<>();
        users.stamps().forEach((n, st) -> s.put(n, st + " " + (users.get(n) == null ? "deleted" : users.get(n).role())));
        return s;
    }

    // ---- helpers

    private static Users edited(HybridClock clock, java.util.function.Consumer<Users.Edit> changes) {
        Users.Edit edit = Users.EMPTY.edit(10, clock);
        changes.accept(edit);
        return edit.result();
    }

    /** A user with a fixed hash, no PBKDF2 needed: the rules never look at it. */
    private static StoredUser user(String name, Role role) {
        return new StoredUser(name, role, 1, new byte[] {1}, new byte[PasswordHasher.HASH_BYTES]);
    }

    private static UserRecord record(String name, Role role, Stamp stamp) {
        return UserRecord.of(user(name, role), stamp);
    }

    private static List<String> names(Users users) {
        return users.all().stream().map(StoredUser::name).toList();
    }

    private static List<String> describe(List<UserRecord> records) {
        return records.stream().map(r -> r.name() + "@" + r.stamp().time() + " " + (r.deleted() ? "deleted" : r.role())).toList();
    }
}
