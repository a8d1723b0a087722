package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * socks5d under a low open-file limit ({@code ulimit -n 256}). Clients are opened (each
 * relayed one costs the server two descriptors) until a new one is refused. The refusal must be
 * clean and quick (closed at once, not left hanging in the listen backlog), the server must not spin
 * while full, the held sessions keep echoing, and once they close a new client is served again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FdLimitIT {
    private static final int ULIMIT = 256;
    private static final int MAX_ATTEMPTS = 400;

    @Test
    void refusesNewClientsCleanlyAtTheDescriptorLimitAndRecovers() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Socks5Result> held = new ArrayList<>();
        try (EchoServer echo = EchoServer.start(lo); Socks5dChild server = Socks5dChild.start("", ULIMIT)) {
            try {
                String refusal = null;
                long refusalMillis = 0;
                for (int i = 0; i < MAX_ATTEMPTS && refusal == null; i++) {
                    long t0 = System.nanoTime();
                    try {
                        Socks5Result r = server.client()
                                .withTimeouts(java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(3))
                                .connect(lo, echo.port());
                        if (r.reply() != 0) {
                            refusal = "reply " + r.reply();
                            r.close();
                        } else {
                            held.add(r);
                            echoes(r, i);
                        }
                    } catch (IOException e) {
                        refusal = e.toString();
                    }
                    refusalMillis = (System.nanoTime() - t0) / 1_000_000;
                }
                System.out.printf("fd-limit: %d sessions held under ulimit -n %d, child fds %d; the next: [%s] in %d ms%n",
                        held.size(), ULIMIT, server.fds(), refusal, refusalMillis);
                assertTrue(refusal != null, "never refused");
                assertTrue(held.size() >= 50, "only " + held.size() + " sessions before the limit");
                assertTrue(refusalMillis < 2000, "refused cleanly at once, not after " + refusalMillis + " ms: " + refusal);

                long cpu0 = server.cpuTicks();
                for (int i = 0; i < 20; i++) {
                    try (Socks5Result r = server.client().connect(lo, echo.port())) {
                        assertTrue(r.reply() != 0, "a client beyond the limit got a session");
                    } catch (IOException refused) {
                        // closed at once: as expected
                    }
                }
                TimeUnit.SECONDS.sleep(2);
                long ticks = server.cpuTicks() - cpu0;
                assertTrue(ticks < 100, "the full server used " + ticks + " CPU ticks in ~2 s (spinning?)");
                assertTrue(server.process.isAlive());
                for (int i = 0; i < held.size(); i++) {
                    echoes(held.get(i), i);
                }
            } finally {
                for (Socks5Result r : held) {
                    r.close();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    assertTrue(server.servedMillis(echo.port()) < 1000);
                    break;
                } catch (IOException | AssertionError notYet) {
                    assertTrue(System.nanoTime() < deadline, "not served again after the held clients closed: " + notYet);
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
            assertTrue(server.stderr().contains("leaves descriptors for [92] relayed clients"), "the start warns about the limit");
        }
    }

    private static void echoes(Socks5Result r, int i) throws IOException {
        byte[] msg = ("held " + i).getBytes(StandardCharsets.US_ASCII);
        r.socket().getOutputStream().write(msg);
        byte[] back = r.socket().getInputStream().readNBytes(msg.length);
        assertEquals(new String(msg, StandardCharsets.US_ASCII), new String(back, StandardCharsets.US_ASCII));
    }
}
