package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import socks5d.management.users.UserDirectory.AddUserReply;
import socks5d.management.users.UserDirectory.AuthReply;
import socks5d.management.users.UserDirectory.RemoveUserReply;
import socks5d.management.users.UserDirectory.Role;
import socks5d.management.users.UserDirectory.UserInfo;

// PER_CLASS: one ActorTestKit for the class, shut down once by the extension after all tests.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class UserDirectoryTest {
    private static final int FAST_ITERATIONS = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @TempDir
    Path dir;

    @Test
    void addsUsersAndListsThemSortedByName() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        assertEquals(new UserDirectory.Added(new UserInfo("bob", Role.BASIC)), add(users, "bob", "pw-bob", Role.BASIC));
        add(users, "carol", "pw-carol", Role.ADMIN);
        add(users, "alice", "pw-alice", Role.BASIC);
        assertEquals(List.of(new UserInfo("alice", Role.BASIC), new UserInfo("bob", Role.BASIC),
                new UserInfo("carol", Role.ADMIN)), list(users));
    }

    @Test
    void refusesToAddAnExistingName() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "bob", "pw1", Role.BASIC);
        assertEquals(UserDirectory.AlreadyExists.INSTANCE, add(users, "bob", "pw2", Role.ADMIN));
        assertEquals(List.of(new UserInfo("bob", Role.BASIC)), list(users));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, "bob", "pw1"));
    }

    @Test
    void refusesNewUsersPastTheLimitButPutUpdatesExistingOnes() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 2);
        add(users, "a", "pw", Role.BASIC);
        add(users, "b", "pw", Role.BASIC);
        assertEquals(UserDirectory.LimitReached.INSTANCE, add(users, "c", "pw", Role.BASIC));
        assertEquals(UserDirectory.LimitReached.INSTANCE, put(users, "c", "pw", Role.BASIC));
        assertEquals(new UserDirectory.Updated(new UserInfo("a", Role.ADMIN)), put(users, "a", "new", Role.ADMIN));
        remove(users, "b");
        assertEquals(new UserDirectory.Added(new UserInfo("c", Role.BASIC)), put(users, "c", "pw", Role.BASIC));
        assertEquals(List.of(new UserInfo("a", Role.ADMIN), new UserInfo("c", Role.BASIC)), list(users));
    }

    @Test
    void refusesNamesAndPasswordsOutsideOneTo255Utf8Bytes() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        String max = "a".repeat(255);
        String tooLong = "a".repeat(256);
        String twoByteTooLong = "\u00e9".repeat(128); // 128 chars but 256 UTF-8 bytes
        assertInstanceOf(UserDirectory.Invalid.class, add(users, "", "pw", Role.BASIC));
        assertInstanceOf(UserDirectory.Invalid.class, add(users, tooLong, "pw", Role.BASIC));
        assertInstanceOf(UserDirectory.Invalid.class, add(users, twoByteTooLong, "pw", Role.BASIC));
        assertInstanceOf(UserDirectory.Invalid.class, add(users, "bob", "", Role.BASIC));
        assertInstanceOf(UserDirectory.Invalid.class, put(users, "bob", tooLong, Role.BASIC));
        assertEquals(List.of(), list(users));
        assertInstanceOf(UserDirectory.Added.class, add(users, max, max, Role.BASIC));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, max, max));
    }

    @Test
    void removesUsersAndReportsUnknownNames() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "bob", "pw", Role.ADMIN);
        assertEquals(new UserDirectory.Removed(new UserInfo("bob", Role.ADMIN)), remove(users, "bob"));
        assertEquals(UserDirectory.NotFound.INSTANCE, remove(users, "bob"));
        assertEquals(UserDirectory.NotFound.INSTANCE, remove(users, "nobody"));
        assertEquals(List.of(), list(users));
    }

    @Test
    void authenticatesOnlyTheRightPasswordOfAKnownUser() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "s3cret", Role.ADMIN);
        assertEquals(new UserDirectory.Authenticated(new UserInfo("alice", Role.ADMIN)), auth(users, "alice", "s3cret"));
        // the second success comes from the cache and must still be right
        assertEquals(new UserDirectory.Authenticated(new UserInfo("alice", Role.ADMIN)), auth(users, "alice", "s3cret"));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "alice", "s3cret "));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "alice", "S3cret"));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "mallory", "s3cret"));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "", ""));
        assertEquals(new UserDirectory.Authenticated(new UserInfo("alice", Role.ADMIN)), auth(users, "alice", "s3cret"));
    }

    @Test
    void rejectsARemovedUserEvenAfterACachedLogin() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "pw", Role.BASIC);
        auth(users, "alice", "pw");
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, "alice", "pw"));
        remove(users, "alice");
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "alice", "pw"));
    }

    @Test
    void acceptsOnlyTheNewPasswordAfterAPut() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "old", Role.BASIC);
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, "alice", "old"));
        put(users, "alice", "new", Role.ADMIN);
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "alice", "old"));
        assertEquals(new UserDirectory.Authenticated(new UserInfo("alice", Role.ADMIN)), auth(users, "alice", "new"));
    }

    @Test
    void answersManyConcurrentLoginsAllRight() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "pw", Role.BASIC);
        TestProbe<AuthReply> probe = testKit.createTestProbe();
        for (int i = 0; i < 500; i++) {
            users.tell(new UserDirectory.Authenticate("alice", i % 2 == 0 ? "pw" : "wrong", probe.getRef()));
        }
        List<AuthReply> replies = probe.receiveSeveralMessages(500, WAIT);
        assertEquals(250, replies.stream().filter(r -> r instanceof UserDirectory.Authenticated).count());
        assertEquals(250, replies.stream().filter(r -> r == UserDirectory.Rejected.INSTANCE).count());
    }

    @Test
    void answersRepeatedLoginsFromTheCacheWithoutTheSlowHash() {
        // With 300k iterations one hash takes ~100 ms: twenty uncached logins in a row take about
        // twenty times the first (slow) login, cached ones a tiny fraction of it.
        ActorRef<UserDirectory.Command> users = testKit.spawn(UserDirectory.create(new UserSettings(dir, 10, 300_000, 100)));
        add(users, "alice", "pw", Role.BASIC);
        long start = System.nanoTime();
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, "alice", "pw"));
        Duration slow = Duration.ofNanos(System.nanoTime() - start);
        TestProbe<AuthReply> probe = testKit.createTestProbe();
        start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            users.tell(new UserDirectory.Authenticate("alice", "pw", probe.getRef()));
            assertInstanceOf(UserDirectory.Authenticated.class, probe.receiveMessage(WAIT));
        }
        Duration cached = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(cached.compareTo(slow.multipliedBy(5)) < 0,
                "20 cached logins took " + cached + ", one slow login " + slow);
    }

    @Test
    void keepsUsersRolesAndPasswordsAcrossARestart() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        String oddName = "tab\there\nnew line \u00e9 \u2603";
        add(users, "alice", "pw-alice", Role.ADMIN);
        add(users, "bob", "pw-bob", Role.BASIC);
        add(users, oddName, "pw-odd", Role.BASIC);
        remove(users, "bob");
        testKit.stop(users, WAIT);

        ActorRef<UserDirectory.Command> again = spawn(dir, 10);
        assertEquals(List.of(new UserInfo("alice", Role.ADMIN), new UserInfo(oddName, Role.BASIC)), list(again));
        assertEquals(new UserDirectory.Authenticated(new UserInfo("alice", Role.ADMIN)), auth(again, "alice", "pw-alice"));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(again, oddName, "pw-odd"));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(again, "alice", "pw-bob"));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(again, "bob", "pw-bob"));
    }

    @Test
    void keepsEachUsersOwnLimitsAcrossAPasswordChangeAndARestart() throws Exception {
        PublishedUsers published = new PublishedUsers();
        ActorRef<UserDirectory.Command> users = testKit.spawn(UserDirectory.create(settings(dir, 10), published));
        add(users, "alice", "pw-alice", Role.BASIC);
        add(users, "bob", "pw-bob", Role.BASIC);
        assertTrue(Files.readString(dir.resolve(UserFile.FILE_NAME)).startsWith("socks5d-users 1\n"),
                "no limits: the file stays version 1");
        Object record = published.current().record("alice");
        UserDirectory.Limits limits = new UserDirectory.Limits(4, 250_000);
        TestProbe<UserDirectory.SetLimitsReply> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.SetLimits("alice", limits, probe.getRef()));
        assertEquals(new UserDirectory.LimitsSet(new UserInfo("alice", Role.BASIC), limits), probe.receiveMessage(WAIT));
        assertEquals(limits, published.current().limits("alice"), "published before the acknowledgement");
        assertTrue(record == published.current().record("alice"), "a limits change keeps the password record");
        users.tell(new UserDirectory.SetLimits("nobody", limits, probe.getRef()));
        assertEquals(UserDirectory.NotFound.INSTANCE, probe.receiveMessage(WAIT));
        put(users, "alice", "pw-new", Role.BASIC);
        assertEquals(limits, published.current().limits("alice"), "a new password keeps the limits");
        testKit.stop(users, WAIT);

        String file = Files.readString(dir.resolve(UserFile.FILE_NAME));
        assertTrue(file.startsWith("socks5d-users 2\n") && file.contains(" 4 250000\n") && file.contains(" - -\n"), file);
        PublishedUsers again = new PublishedUsers();
        ActorRef<UserDirectory.Command> restarted = testKit.spawn(UserDirectory.create(settings(dir, 10), again));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(restarted, "alice", "pw-new"));
        assertEquals(limits, again.current().limits("alice"));
        assertEquals(UserDirectory.Limits.DEFAULT, again.current().limits("bob"));
    }

    @Test
    void keepsTheFileOwnerOnlyAndWithoutPasswords() throws Exception {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "CorrectHorseBatteryStaple", Role.ADMIN);
        Path file = dir.resolve("users.db");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("CorrectHorseBatteryStaple"), text);
        assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(
                "CorrectHorseBatteryStaple".getBytes(StandardCharsets.UTF_8)).substring(0, 20)), text);
        assertTrue(text.startsWith("socks5d-users 1\n"), text);
        assertTrue(text.endsWith("end 1\n"), text);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file stays behind");
        }
    }

    @Test
    void ignoresATornTemporaryFileLeftByACrash() throws Exception {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "pw", Role.ADMIN);
        testKit.stop(users, WAIT);
        Path torn = dir.resolve("users.db.8123456.tmp");
        Files.writeString(torn, "socks5d-users 1\nYWxp");

        ActorRef<UserDirectory.Command> again = spawn(dir, 10);
        assertEquals(List.of(new UserInfo("alice", Role.ADMIN)), list(again));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(again, "alice", "pw"));
        assertFalse(Files.exists(torn));
    }

    @Test
    void failsToStartOnACorruptFileAndLeavesItAlone() throws Exception {
        Path file = dir.resolve("users.db");
        Files.writeString(file, "this is not a user file\n");
        assertRefusesToStart(file);
        assertEquals("this is not a user file\n", Files.readString(file));
    }

    @Test
    void failsToStartOnATruncatedFile() throws Exception {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "pw", Role.ADMIN);
        add(users, "bob", "pw", Role.BASIC);
        testKit.stop(users, WAIT);
        Path file = dir.resolve("users.db");
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.lastIndexOf("end ")));
        assertRefusesToStart(file);
    }

    @Test
    void refusesChangesItCannotPersistAndKeepsTheOldDirectory() throws Exception {
        Path data = dir.resolve("data");
        ActorRef<UserDirectory.Command> users = spawn(data, 10);
        add(users, "alice", "pw", Role.ADMIN);
        // A regular file where the data directory was: every write fails.
        Files.delete(data.resolve("users.db"));
        Files.delete(data);
        Files.writeString(data, "in the way");
        LoggingTestKit.error("Cannot save users").expect(testKit.system(), () -> {
            assertInstanceOf(UserDirectory.Failed.class, add(users, "bob", "pw", Role.BASIC));
            return null;
        });
        assertInstanceOf(UserDirectory.Failed.class, remove(users, "alice"));
        assertEquals(List.of(new UserInfo("alice", Role.ADMIN)), list(users));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "bob", "pw"));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, "alice", "pw"));

        Files.delete(data);
        assertInstanceOf(UserDirectory.Added.class, add(users, "bob", "pw", Role.BASIC));
        assertEquals(List.of(new UserInfo("alice", Role.ADMIN), new UserInfo("bob", Role.BASIC)), list(users));
    }

    @Test
    void appliesChangesInArrivalOrder() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        TestProbe<AddUserReply> adds = testKit.createTestProbe();
        TestProbe<RemoveUserReply> removes = testKit.createTestProbe();
        users.tell(new UserDirectory.AddUser("alice", "first", Role.BASIC, adds.getRef()));
        users.tell(new UserDirectory.RemoveUser("alice", removes.getRef()));
        users.tell(new UserDirectory.AddUser("alice", "second", Role.ADMIN, adds.getRef()));
        users.tell(new UserDirectory.RemoveUser("nobody", removes.getRef()));
        assertEquals(new UserDirectory.Added(new UserInfo("alice", Role.BASIC)), adds.receiveMessage(WAIT));
        assertEquals(new UserDirectory.Added(new UserInfo("alice", Role.ADMIN)), adds.receiveMessage(WAIT));
        assertEquals(Set.of(new UserDirectory.Removed(new UserInfo("alice", Role.BASIC)), UserDirectory.NotFound.INSTANCE),
                new HashSet<>(removes.receiveSeveralMessages(2, WAIT)));
        assertEquals(UserDirectory.Rejected.INSTANCE, auth(users, "alice", "first"));
        assertInstanceOf(UserDirectory.Authenticated.class, auth(users, "alice", "second"));
    }

    @Test
    void acknowledgesManyConcurrentAddsAndKeepsThemAll() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 1024);
        List<TestProbe<AddUserReply>> probes = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            probes.add(testKit.createTestProbe());
        }
        for (int i = 0; i < 200; i++) {
            users.tell(new UserDirectory.AddUser("user" + i, "pw" + i, Role.BASIC, probes.get(i % 20).getRef()));
        }
        for (TestProbe<AddUserReply> probe : probes) {
            for (AddUserReply r : probe.receiveSeveralMessages(10, WAIT)) {
                assertInstanceOf(UserDirectory.Added.class, r);
            }
        }
        testKit.stop(users, WAIT);

        ActorRef<UserDirectory.Command> again = spawn(dir, 1024);
        List<UserInfo> listed = list(again);
        assertEquals(200, listed.size());
        Set<String> names = new HashSet<>();
        listed.forEach(u -> names.add(u.name()));
        for (int i = 0; i < 200; i++) {
            assertTrue(names.contains("user" + i), "user" + i);
        }
        assertInstanceOf(UserDirectory.Authenticated.class, auth(again, "user137", "pw137"));
    }

    @Test
    void answersMessagesSentWhileLoading() {
        ActorRef<UserDirectory.Command> users = spawn(dir, 10);
        add(users, "alice", "pw", Role.ADMIN);
        testKit.stop(users, WAIT);
        ActorRef<UserDirectory.Command> again = testKit.spawn(UserDirectory.create(settings(dir, 10)));
        TestProbe<AuthReply> probe = testKit.createTestProbe();
        again.tell(new UserDirectory.Authenticate("alice", "pw", probe.getRef()));
        assertInstanceOf(UserDirectory.Authenticated.class, probe.receiveMessage(WAIT));
    }

    private void assertRefusesToStart(Path file) {
        TestProbe<UserDirectory.UserList> probe = testKit.createTestProbe();
        ActorRef<UserDirectory.Command>[] users = new ActorRef[1];
        LoggingTestKit.error("Cannot load users").expect(testKit.system(), () -> {
            users[0] = testKit.spawn(UserDirectory.create(settings(dir, 10)));
            users[0].tell(new UserDirectory.ListUsers(probe.getRef()));
            return null;
        });
        probe.expectTerminated(users[0], WAIT);
        probe.expectNoMessage(Duration.ofMillis(50));
        assertTrue(Files.exists(file));
    }

    private ActorRef<UserDirectory.Command> spawn(Path dataDir, int maxUsers) {
        ActorRef<UserDirectory.Command> users = testKit.spawn(UserDirectory.create(settings(dataDir, maxUsers)));
        list(users); // waits until loaded
        return users;
    }

    private static UserSettings settings(Path dataDir, int maxUsers) {
        return new UserSettings(dataDir, maxUsers, FAST_ITERATIONS, 1000);
    }

    private AddUserReply add(ActorRef<UserDirectory.Command> users, String name, String password, Role role) {
        TestProbe<AddUserReply> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.AddUser(name, password, role, probe.getRef()));
        return probe.receiveMessage(WAIT);
    }

    private AddUserReply put(ActorRef<UserDirectory.Command> users, String name, String password, Role role) {
        TestProbe<AddUserReply> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.PutUser(name, password, role, probe.getRef()));
        return probe.receiveMessage(WAIT);
    }

    private RemoveUserReply remove(ActorRef<UserDirectory.Command> users, String name) {
        TestProbe<RemoveUserReply> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.RemoveUser(name, probe.getRef()));
        return probe.receiveMessage(WAIT);
    }

    private AuthReply auth(ActorRef<UserDirectory.Command> users, String name, String password) {
        TestProbe<AuthReply> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.Authenticate(name, password, probe.getRef()));
        return probe.receiveMessage(WAIT);
    }

    private List<UserInfo> list(ActorRef<UserDirectory.Command> users) {
        TestProbe<UserDirectory.UserList> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.ListUsers(probe.getRef()));
        return probe.receiveMessage(WAIT).users();
    }

    @Test
    void messagesCarryingAPasswordDoNotShowItWhenPrinted() {
        TestProbe<AddUserReply> added = testKit.createTestProbe();
        TestProbe<UserDirectory.AuthReply> auth = testKit.createTestProbe();
        for (Object m : java.util.List.of(
                new UserDirectory.AddUser("bob", "pw-visible", Role.BASIC, added.getRef()),
                new UserDirectory.PutUser("bob", "pw-visible", Role.ADMIN, added.getRef()),
                new UserDirectory.Authenticate("bob", "pw-visible", auth.getRef()))) {
            assertFalse(m.toString().contains("pw-visible"), m.toString());
            assertTrue(m.toString().contains("bob"), m.toString());
        }
    }
}
