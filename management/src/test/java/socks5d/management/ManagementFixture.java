package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

/**
 * Test support for the management servers: real state actors in a temporary data directory,
 * settings bound to 127.0.0.1, and a blocking socket client with bounded waits.
 */
public final class ManagementFixture {
    public static final Duration WAIT = Duration.ofSeconds(10);

    private ManagementFixture() {
    }

    /** The test kit's config with a temp data dir and {@code overrides} (key to value) on top. */
    public static Config config(ActorTestKit kit, Path dataDir, Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides)
                .withFallback(ConfigFactory.parseMap(Map.of(
                        "socks5d.management.users.data-dir", dataDir.toString(),
                        "socks5d.management.listen-address", "127.0.0.1")))
                .withFallback(kit.system().settings().config());
    }

    /**
     * A second test kit on {@code kit}'s config whose scheduler (timers, asks, stream stage timers) moves only
     * with {@link ManualTime#timePasses}, for tests whose subject is a timeout. The caller shuts it down.
     */
    public static ActorTestKit manualTimeKit(ActorTestKit kit) {
        return ActorTestKit.create(ManualTime.config().withFallback(kit.system().settings().config()));
    }

    public static StateActors spawnState(ActorTestKit kit, Config config) {
        TestProbe<StateActors> spawned = kit.createTestProbe();
        kit.spawn(Behaviors.setup(context -> {
            spawned.getRef().tell(StateActors.spawn(context, config));
            return Behaviors.empty();
        }));
        return spawned.receiveMessage(WAIT);
    }

    public static void addUser(ActorTestKit kit, StateActors state, String name, String password,
                               UserDirectory.Role role) {
        UserDirectory.AddUserReply reply = AskPattern.<UserDirectory.Command, UserDirectory.AddUserReply>ask(
                state.users(), r -> new UserDirectory.AddUser(name, password, role, r), WAIT,
                kit.system().scheduler()).toCompletableFuture().join();
        assertEquals(UserDirectory.Added.class, reply.getClass(), "adding " + name);
    }

    public static Switches.State switches(ActorTestKit kit, StateActors state) {
        return AskPattern.<Switches.Command, Switches.State>ask(state.switches(), Switches.GetState::new, WAIT,
                kit.system().scheduler()).toCompletableFuture().join();
    }

    /** Runs {@code chunks}, one read each, through a framing flow and collects its frames within {@link #WAIT}. */
    public static <F> List<F> frames(ActorTestKit kit, Flow<ByteString, F, ?> framing, List<ByteString> chunks) {
        return Source.from(chunks).via(framing).runWith(Sink.seq(), kit.system())
                .toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** A blocking client: every read waits at most {@link #WAIT}. */
    public static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        public Client(InetSocketAddress address) throws IOException {
            socket = new Socket();
            socket.connect(address, (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        public Client send(ByteString bytes) throws IOException {
            out.write(bytes.toArray());
            out.flush();
            return this;
        }

        /** Sends one byte at a time, flushing each. */
        public Client sendByteByByte(ByteString bytes) throws IOException {
            for (byte b : bytes.toArray()) {
                out.write(b);
                out.flush();
            }
            return this;
        }

        public Client sendLine(String line) throws IOException {
            return send(ByteString.fromString(line + "\r\n", StandardCharsets.UTF_8));
        }

        public ByteString read(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new IOException("connection closed after " + b.length + " of " + n + " bytes");
            }
            return ByteString.fromArrayUnsafe(b);
        }

        /** Reads one LF-terminated line, LF removed. */
        public String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed mid-line: " + line);
                }
                line.write(c);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        /** Whether the server closed the connection (EOF) within {@link #WAIT}, with no more bytes. */
        public boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
