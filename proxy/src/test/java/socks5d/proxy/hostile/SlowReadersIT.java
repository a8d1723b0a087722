package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;
import socks5d.testkit.target.SourcePattern;
import socks5d.testkit.target.SourceServer;

/**
 * docs/operations.md, Running for large loads, "memory per connection stays bounded", for the
 * commonest heavy load of a real proxy: many clients downloading from fast destinations and reading
 * slowly (here: not at all). Every such session holds what it has read but could not yet write; all
 * sessions together must stay within the relay memory budget ({@code socks5d.proxy.relay-memory}),
 * so the server (a 256 MiB heap) neither dies of OutOfMemoryError nor stops serving others. Each
 * stalled socket also pins one direct buffer in Pekko IO, so sessions beyond what the direct memory
 * limit has room for are refused with 0x01 instead of crashing the JVM. Size:
 * {@code -Dsocks5d.slow.readers} (CI 400: before the budget, 400 stalled downloads held about 2 MiB
 * each and killed the server; by hand 3000: refused beyond ~900).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowReadersIT {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void manyStalledDownloadsStayWithinTheRelayBudgetAndOthersAreServed() throws Exception {
        int readers = Socks5dChild.intProperty("socks5d.slow.readers", 400);
        try (EchoServer echo = EchoServer.start(LO);
             SourceServer source = SourceServer.start(LO);
             Socks5dChild server = Socks5dChild.start("socks5d.proxy.relay-memory = 64m", 0)) {
            List<Socks5Result> slow = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < readers; i++) {
                    Socks5Result r = server.client().connect(LO, source.port());
                    if (r.reply() != 0) {
                        // Beyond the sessions the direct memory limit has room for: general failure, not a crash.
                        assertEquals(1, r.reply(), "CONNECT reply beyond the direct memory room");
                        r.close();
                        refused = readers - i;
                        break;
                    }
                    Socket s = r.socket();
                    s.setReceiveBufferSize(4096);
                    s.getOutputStream().write(SourcePattern.request(1L << 30)); // 1 GiB each, never read
                    slow.add(r);
                }
                // Let every relay fill what it may hold.
                Thread.sleep(5_000);
                assertTrue(server.isAlive(), "server alive with " + slow.size() + " stalled downloads");
                if (refused > 0) {
                    slow.remove(slow.size() - 1).close(); // make room for one more session
                    Thread.sleep(500);
                }
                long served = server.servedMillis(echo.port());
                long heapKiB = server.heapUsedAfterGcKiB();
                System.out.printf("slow-readers: %d stalled downloads (%d more refused with 0x01); heap after GC %d KiB;"
                        + " rss %d MiB; normal client served in %d ms%n", slow.size(), refused, heapKiB,
                        server.rssKiB() / 1024, served);
                if (readers <= 800) {
                    // 256 MiB of direct memory (the child's -Xmx256m) has room for about 900 relayed sessions.
                    assertEquals(0, refused, "refused CONNECTs");
                }
                assertTrue(served < 2_000, "a normal client is served promptly: " + served + " ms");
                assertTrue(heapKiB < 160 * 1024, "heap after GC within budget plus sessions: " + heapKiB + " KiB");
            } finally {
                for (Socks5Result r : slow) {
                    r.close();
                }
            }
            server.awaitNoCurrentConnections(Duration.ofSeconds(30));
            assertTrue(server.isAlive());
        }
    }
}
