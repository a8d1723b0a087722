package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.process.ChildProcess;
import socks5d.testkit.process.Socks5dPorts;
import socks5d.testkit.target.SourcePattern;
import socks5d.testkit.target.SourceServer;

/**
 * Graceful shutdown (docs/operations.md, Signals and shutdown), for real:
 * {@code java -jar target/socks5d.jar} in a subprocess gets SIGTERM while a transfer is open; it
 * stops accepting, lets the transfer finish and exits 0; a second signal stops it at once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShutdownIT {
    private final InetAddress lo = InetAddress.getLoopbackAddress();
    private final List<Process> started = new ArrayList<>();
    private Path lastDir;

    @AfterEach
    void kill() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void firstSignalDrainsOpenSessionsAndExitsZero() throws Exception {
        try (SourceServer source = SourceServer.start(lo)) {
            int port = ChildProcess.freePort();
            Process p = startServer(port, "10s");
            long size = 32L << 20;
            try (Socks5Result r = client(port).connect(lo, source.port())) {
                assertEquals(0, r.reply());
                r.socket().getOutputStream().write(SourcePattern.request(size));
                InputStream in = r.socket().getInputStream();
                byte[] buf = new byte[64 * 1024];
                SourcePattern.Verifier v = SourcePattern.verifier();
                int n = in.read(buf);
                v.update(buf, 0, n);

                p.destroy(); // SIGTERM
                awaitRefused(port);

                for (int k; (k = in.read(buf)) >= 0; ) {
                    assertTrue(v.update(buf, 0, k));
                }
                assertTrue(v.matches(size), "the open transfer completed: " + v.count());
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits after the last session");
            assertEquals(0, p.exitValue());
            // The drained session's access-log line is written before socks5d exits.
            String stdout = read(lastDir.resolve("stdout"));
            assertTrue(stdout.lines().anyMatch(l -> l.contains("\tadmin\tA\t") && l.contains("\t" + source.port() + "\t0\t")),
                    () -> "no access-log line for the drained session in: " + stdout);
        }
    }

    @Test
    void secondSignalStopsAtOnce() throws Exception {
        try (SourceServer source = SourceServer.start(lo)) {
            int port = ChildProcess.freePort();
            Process p = startServer(port, "60s");
            try (Socks5Result r = client(port).connect(lo, source.port())) {
                assertEquals(0, r.reply());
                p.destroy();
                awaitRefused(port);
                p.destroy();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped well before the 60 s grace");
                assertNotEquals(0, p.exitValue());
            }
        }
    }

    private Socks5Client client(int port) {
        return Socks5Client.to(new InetSocketAddress(lo, port)).withAuth("admin", "secret")
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private Process startServer(int port, String grace) throws Exception {
        Path dir = Files.createTempDirectory("socks5d-shutdown");
        lastDir = dir;
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, "socks5d.management.users.hash-iterations = 1000\n"
                + "socks5d.proxy.shutdown-grace = " + grace + "\n");
        Path jar = Path.of("target", "socks5d.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx256m", "-jar", jar.toString()));
        command.addAll(Socks5dPorts.socksOnly(port).flags());
        command.addAll(List.of("-u", "admin:secret", "--data-dir", dir.resolve("data").toString(),
                "--config", conf.toString()));
        Process p = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(lo, port), 200);
                return p;
            } catch (IOException notYet) {
                assertTrue(p.isAlive(), () -> "socks5d exited: " + read(dir.resolve("stderr")));
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError("socks5d did not listen: " + read(dir.resolve("stderr")));
    }

    private void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(lo, port), 200);
            } catch (IOException refused) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("still accepting after SIGTERM");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
