package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;

import socks5d.management.ManagementFixture.Client;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.users.UserDirectory;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class ManagementServersIT {
    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private static int freePort() throws IOException {
        return socks5d.testkit.process.ChildProcess.freePort();
    }

    private Config config(Path dir, int mcp, int mass, int pctp) {
        return ManagementFixture.config(testKit, dir, Map.of(
                "socks5d.management.mcp.port", mcp,
                "socks5d.management.mass.port", mass,
                "socks5d.management.pctp.port", pctp));
    }

    @Test
    void eachListenerServesAtMostMaxConnectionsAndFreesTheSlotWhenOneCloses(@TempDir Path dir) throws IOException {
        Config config = ManagementFixture.config(testKit, dir, Map.of(
                "socks5d.management.mcp.port", freePort(),
                "socks5d.management.mass.port", 0,
                "socks5d.management.pctp.port", 0,
                "socks5d.management.max-connections", 2));
        StateActors state = ManagementFixture.spawnState(testKit, config);
        ManagementServers.Bindings bindings = ManagementServers.start(testKit.system(),
                ManagementSettings.fromConfig(config), state).toCompletableFuture().join();
        java.net.InetSocketAddress mcp = bindings.mcp().orElseThrow().localAddress();
        byte[] getMetrics = McpCodec.encode(McpRequest.GetMetrics.INSTANCE).toArray();
        try (java.net.Socket a = open(mcp); java.net.Socket b = open(mcp); java.net.Socket c = open(mcp)) {
            assertEquals(-1, c.getInputStream().read(), "the third connection is closed at once");
            a.getOutputStream().write(getMetrics);
            assertEquals(0x01, a.getInputStream().read(), "the first two are served");
            b.getOutputStream().write(getMetrics);
            assertEquals(0x01, b.getInputStream().read());
            a.close();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try (java.net.Socket d = open(mcp)) {
                    d.getOutputStream().write(getMetrics);
                    if (d.getInputStream().read() == 0x01) {
                        break; // the freed slot serves a new connection
                    }
                }
                assertTrue(System.nanoTime() < deadline, "slot never freed");
            }
        } finally {
            bindings.unbind().toCompletableFuture().join();
        }
    }

    /**
     * A connection must complete its first request within first-request-timeout, and then one request
     * within each idle timeout: silence, or a byte now and then never making a request, closes it,
     * while a client that asks goes on being served past both.
     */
    @Test
    void connectionsThatAskNothingAreClosedEvenIfTheyTrickleBytes(@TempDir Path dir) throws Exception {
        int[] free = socks5d.testkit.process.ChildProcess.freePorts(2);
        Config config = ManagementFixture.config(testKit, dir, Map.of(
                "socks5d.management.mcp.port", free[0],
                "socks5d.management.mass.port", 0,
                "socks5d.management.pctp.port", free[1],
                "socks5d.management.first-request-timeout", "1s",
                "socks5d.management.mcp.idle-timeout", "2s",
                "socks5d.management.pctp.idle-timeout", "2s"));
        StateActors state = ManagementFixture.spawnState(testKit, config);
        ManagementServers.Bindings bindings = ManagementServers.start(testKit.system(),
                ManagementSettings.fromConfig(config), state).toCompletableFuture().join();
        java.net.InetSocketAddress mcp = bindings.mcp().orElseThrow().localAddress();
        java.net.InetSocketAddress pctp = bindings.pctp().orElseThrow().localAddress();
        byte[] getMetrics = McpCodec.encode(McpRequest.GetMetrics.INSTANCE).toArray();
        try (java.net.Socket silent = open(mcp); java.net.Socket silentPctp = open(pctp);
             java.net.Socket trickle = open(mcp); java.net.Socket trickleAfter = open(mcp);
             java.net.Socket asking = open(mcp)) {
            long start = System.nanoTime();
            trickleAfter.getOutputStream().write(getMetrics);
            assertEquals(0x01, trickleAfter.getInputStream().read(), "answered");
            trickleAfter.getInputStream().readNBytes(3 + 48);
            asking.getOutputStream().write(getMetrics);
            asking.getInputStream().readNBytes(4 + 48);
            // A header byte every 200 ms, never a whole frame, on two connections (one after a request);
            // a whole request every 500 ms on a third.
            boolean trickleOpen = true;
            boolean trickleAfterOpen = true;
            for (int i = 0; i < 20; i++) {
                Thread.sleep(200);
                trickleOpen = trickleOpen && writes(trickle, 0x01);
                trickleAfterOpen = trickleAfterOpen && writes(trickleAfter, 0x01);
                if (i % 3 == 0) {
                    asking.getOutputStream().write(getMetrics);
                    assertEquals(52, asking.getInputStream().readNBytes(4 + 48).length, "still served after " + i);
                }
            }
            assertEquals(-1, readOrEnd(silent), "silent MCP connection closed");
            assertEquals(-1, readOrEnd(silentPctp), "silent PCTP connection closed");
            assertEquals(-1, readOrEnd(trickle), "a byte at a time before any request: closed");
            assertEquals(-1, readOrEnd(trickleAfter), "a byte at a time after a request: closed");
            assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        } finally {
            bindings.unbind().toCompletableFuture().join();
        }
    }

    /** Whether {@code b} could still be written (false once the server closed the connection). */
    private static boolean writes(java.net.Socket s, int b) {
        try {
            s.getOutputStream().write(b);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** The next octet, or -1 at the end or on a reset; a read that times out is a failure (still open). */
    private static int readOrEnd(java.net.Socket s) {
        try {
            return s.getInputStream().read();
        } catch (java.net.SocketTimeoutException stillOpen) {
            throw new AssertionError("the connection is still open", stillOpen);
        } catch (IOException reset) {
            return -1;
        }
    }

    private static java.net.Socket open(java.net.InetSocketAddress address) throws IOException {
        java.net.Socket s = new java.net.Socket();
        s.connect(address, 5000);
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void bindsAllThreeAndAUserAddedOverMcpIsSeenOverPctpAndMass(@TempDir Path dir) throws IOException {
        int[] free = socks5d.testkit.process.ChildProcess.freePorts(3); // three different ports
        Config config = config(dir, free[0], free[1], free[2]);
        StateActors state = ManagementFixture.spawnState(testKit, config);
        ManagementFixture.addUser(testKit, state, "admin", "secret", UserDirectory.Role.ADMIN);
        ManagementServers.Bindings bindings = ManagementServers.start(testKit.system(),
                ManagementSettings.fromConfig(config), state).toCompletableFuture().join();
        try {
            assertEquals(3, bindings.all().size());
            try (Client mcp = new Client(bindings.mcp().orElseThrow().localAddress())) {
                mcp.send(McpCodec.encode(new McpRequest.AddUser("carol", "pw")));
                assertEquals(show(hex("01 00 00 00  # OK")), show(mcp.read(4)));
            }
            try (Client pctp = new Client(bindings.pctp().orElseThrow().localAddress())) {
                pctp.sendLine("USER admin").readLine();
                assertEquals("+OK Successfully logged in", pctp.sendLine("PASS secret").readLine());
                assertEquals("+OK Sending user list...", pctp.sendLine("LIST").readLine());
                assertEquals("admin\tAdmin", pctp.readLine());
                assertEquals("carol\tBasic", pctp.readLine());
                assertEquals("", pctp.readLine());
            }
            try (Client mass = new Client(bindings.mass().orElseThrow().localAddress())) {
                mass.send(hex("""
                        01 01 02                               # greeting
                        01 05 61 64 6d 69 6e 06 73 65 63 72 65 74  # admin:secret
                        01                                     # index 0x01 users
                        """));
                assertEquals(show(hex("""
                        01 02 01 00        # method 0x02, login ok
                        00 02              # STATUS, COUNT
                        05 61 64 6d 69 6e  # "admin"
                        05 63 61 72 6f 6c  # "carol"
                        """)), show(mass.read(18)));
            }
        } finally {
            bindings.unbind().toCompletableFuture().join();
        }
    }

    @Test
    void skipsListenersWithPortZero(@TempDir Path dir) throws IOException {
        Config config = config(dir, 0, freePort(), 0);
        StateActors state = ManagementFixture.spawnState(testKit, config);
        ManagementServers.Bindings bindings = ManagementServers.start(testKit.system(),
                ManagementSettings.fromConfig(config), state).toCompletableFuture().join();
        try {
            assertTrue(bindings.mcp().isEmpty());
            assertTrue(bindings.pctp().isEmpty());
            assertEquals(List.of(bindings.mass().orElseThrow()), bindings.all());
        } finally {
            bindings.unbind().toCompletableFuture().join();
        }
    }

    @Test
    void failsWhenAPortIsInUseAndLeavesNothingBound(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int mcpPort = freePort();
            Config config = config(dir, mcpPort, 0, taken.getLocalPort());
            StateActors state = ManagementFixture.spawnState(testKit, config);
            CompletionException failure = assertThrows(CompletionException.class, () -> ManagementServers
                    .start(testKit.system(), ManagementSettings.fromConfig(config), state).toCompletableFuture().join());
            // Pekko's bind failure names the BindException, which is what the proxy's main reports.
            assertTrue(failure.getCause().getMessage().contains(BindException.class.getName() + ": "),
                    failure.toString());
            assertTrue(failure.getCause().getMessage().contains("Address already in use"), failure.toString());
            // The MCP listener that did bind was unbound again: its port can be taken at once or soon.
            // The unbind completes asynchronously after the failure: retry for a bounded time.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try {
                    Tcp.ServerBinding again = socks5d.management.mcp.McpServer
                            .bind(testKit.system(), ManagementSettings.fromConfig(config), state, mcpPort)
                            .toCompletableFuture().join();
                    again.unbind().toCompletableFuture().join();
                    break;
                } catch (CompletionException stillBound) {
                    if (System.nanoTime() > deadline) {
                        throw stillBound;
                    }
                    testKit.createTestProbe().expectNoMessage(java.time.Duration.ofMillis(100));
                }
            }
        }
    }
}
