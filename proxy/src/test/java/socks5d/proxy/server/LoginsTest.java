package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import socks5d.management.users.PublishedUsers;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserDirectory.Role;
import socks5d.management.users.UserSettings;

/**
 * {@link Logins} against users a real {@link UserDirectory} publishes: concurrent logins with the same
 * name and password share one PBKDF2 check, a verified password is answered without one, and a user
 * changed while a check runs is checked again, not answered by the old check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ActorTestKit testKit = ActorTestKit.create();
    private final EventLoop loop = new DefaultEventLoop();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterAll
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        pool.shutdownNow();
        testKit.shutdownTestKit();
    }

    /** Counts the checks handed to the hashing pool and holds them until {@link #open} is completed. */
    private static final class GatedHashing implements Executor {
        final AtomicInteger submitted = new AtomicInteger();
        final CompletableFuture<Void> open = new CompletableFuture<>();
        private final Executor pool;

        GatedHashing(Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            submitted.incrementAndGet();
            pool.execute(() -> {
                open.join();
                task.run();
            });
        }
    }

    @Test
    void concurrentLoginsWithTheSamePasswordShareOneCheck() throws Exception {
        PublishedUsers published = new PublishedUsers();
        ActorRef<UserDirectory.Command> users = directory(dir.resolve("a"), published);
        add(users, "alice", "right");
        GatedHashing hashing = new GatedHashing(pool);
        Logins logins = onLoop(() -> new Logins(loop, published, hashing));

        List<CompletableFuture<Logins.Result>> right = new ArrayList<>();
        List<CompletableFuture<Logins.Result>> wrong = new ArrayList<>();
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                right.add(check(logins, "alice", "right"));
                wrong.add(check(logins, "alice", "wrong"));
            }
            return null;
        });
        assertEquals(2, hashing.submitted.get(), "one check per distinct password");
        hashing.open.complete(null);
        for (int i = 0; i < 10; i++) {
            assertEquals(Logins.Result.OK, right.get(i).get(10, TimeUnit.SECONDS));
            assertEquals(Logins.Result.WRONG, wrong.get(i).get(10, TimeUnit.SECONDS));
        }
        // Verified: answered from the cache, no further check.
        assertEquals(Logins.Result.OK, onLoop(() -> check(logins, "alice", "right")).get(10, TimeUnit.SECONDS));
        assertEquals(2, hashing.submitted.get());
        // A wrong password is never remembered.
        assertEquals(Logins.Result.WRONG, onLoop(() -> check(logins, "alice", "wrong")).get(10, TimeUnit.SECONDS));
        assertEquals(3, hashing.submitted.get());
    }

    @Test
    void aLoginAfterTheUserChangedDoesNotJoinACheckOfTheOldRecord() throws Exception {
        PublishedUsers published = new PublishedUsers();
        ActorRef<UserDirectory.Command> users = directory(dir.resolve("b"), published);
        add(users, "bob", "old");
        GatedHashing hashing = new GatedHashing(pool);
        Logins logins = onLoop(() -> new Logins(loop, published, hashing));

        CompletableFuture<Logins.Result> before = onLoop(() -> check(logins, "bob", "old"));
        TestProbe<UserDirectory.RemoveUserReply> removed = testKit.createTestProbe();
        users.tell(new UserDirectory.RemoveUser("bob", removed.ref()));
        removed.expectMessageClass(UserDirectory.Removed.class, WAIT);
        CompletableFuture<Logins.Result> after = onLoop(() -> check(logins, "bob", "old"));
        assertEquals(2, hashing.submitted.get(), "the login after the removal is checked on its own");
        hashing.open.complete(null);
        assertEquals(Logins.Result.WRONG, after.get(10, TimeUnit.SECONDS), "bob was removed before this login");
        before.get(10, TimeUnit.SECONDS); // answered either way; it raced the removal
    }

    private CompletableFuture<Logins.Result> check(Logins logins, String name, String password) {
        CompletableFuture<Logins.Result> result = new CompletableFuture<>();
        logins.check(name, password, ok -> {
            if (!loop.inEventLoop()) {
                result.completeExceptionally(new AssertionError("answered off the event loop"));
            }
            result.complete(ok);
        });
        return result;
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private ActorRef<UserDirectory.Command> directory(Path dataDir, PublishedUsers published) {
        return testKit.spawn(UserDirectory.create(new UserSettings(dataDir, 10, 1000, 100), published));
    }

    private void add(ActorRef<UserDirectory.Command> users, String name, String password) {
        TestProbe<UserDirectory.AddUserReply> probe = testKit.createTestProbe();
        users.tell(new UserDirectory.AddUser(name, password, Role.BASIC, probe.ref()));
        probe.expectMessageClass(UserDirectory.Added.class, WAIT);
    }
}
