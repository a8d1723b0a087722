package socks5d.management;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;

import socks5d.management.users.UserDirectory;

/**
 * The set-up the management servers' ITs share: one test kit per class, and for each test real state
 * actors in a temporary data directory and one server bound to 127.0.0.1 on an ephemeral port, unbound
 * after the test. A subclass names the server, its config overrides and whether the users
 * {@code admin:secret} (ADMIN) and {@code basic:secret} (BASIC) exist; its tests use {@link #testKit},
 * {@link #config}, {@link #state} and {@link #binding}. Test helper; confined to the test's thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
public abstract class BoundServerFixture {
    /** A management server's {@code bind(system, settings, state, port)}. */
    @FunctionalInterface
    public interface Binder {
        CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, ManagementSettings settings,
                                               StateActors state, int port);
    }

    @JUnit5TestKit
    protected final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    protected Config config;
    protected StateActors state;
    protected Tcp.ServerBinding binding;

    private final Binder server;
    private final Map<String, Object> overrides;
    private final boolean adminAndBasic;

    protected BoundServerFixture(Binder server, Map<String, Object> overrides, boolean adminAndBasic) {
        this.server = server;
        this.overrides = overrides;
        this.adminAndBasic = adminAndBasic;
    }

    @BeforeEach
    void bindServer(@TempDir Path dir) {
        config = ManagementFixture.config(testKit, dir, overrides);
        state = ManagementFixture.spawnState(testKit, config);
        if (adminAndBasic) {
            ManagementFixture.addUser(testKit, state, "admin", "secret", UserDirectory.Role.ADMIN);
            ManagementFixture.addUser(testKit, state, "basic", "secret", UserDirectory.Role.BASIC);
        }
        binding = server.bind(testKit.system(), ManagementSettings.fromConfig(config), state, 0)
                .toCompletableFuture().join();
    }

    @AfterEach
    void unbindServer() {
        binding.unbind().toCompletableFuture().join();
    }
}
