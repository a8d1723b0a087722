package socks5d.proxy.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.testkit.client.RawConnection;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.target.EchoServer;

/**
 * docs/protocols/socks5.md, Timeouts and limits, "A stalled client never delays others": many
 * clients that stall in the greeting (they send only {@code 05}, or nothing) do not keep a normal
 * client from being served within a second, and the server drops every one of them at the handshake
 * timeout. Sizes: {@code -Dsocks5d.stalled.clients} (CI 2,000) and
 * {@code -Dsocks5d.stalled.handshake-timeout-s} (CI 2; make it longer than the time the server
 * needs to accept them all to have all of them stalled at once). Each stalled client costs this
 * process one descriptor and the child one, and the child's max-clients fits its open-file limit
 * (two per client): under a limit of 20,000 the child takes about 9,600 at most.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StalledClientsIT {
    private static final int SLACK_S = 4;

    @Test
    void stalledClientsDelayNobodyAndAreDroppedAtTheHandshakeTimeout() throws Exception {
        int n = Socks5dChild.intProperty("socks5d.stalled.clients", 2000);
        int timeout = Socks5dChild.intProperty("socks5d.stalled.handshake-timeout-s", 2);
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Socket> stalled = new ArrayList<>(n);
        try (EchoServer echo = EchoServer.start(lo);
             Socks5dChild server = Socks5dChild.start("socks5d.proxy.handshake-timeout = " + timeout + "s\n"
                     + "socks5d.proxy.max-clients = 0", 0)) {
            server.servedMillis(echo.port());
            long fd0 = server.fds();
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < n; i++) {
                    Socket s = new Socket();
                    stalled.add(s);
                    s.connect(server.socksAddress(), 5000);
                    if (i % 2 == 0) {
                        s.getOutputStream().write(0x05); // VER, then nothing: stuck inside the greeting
                    }
                }
                long opened = System.nanoTime();
                // The listener accepts in order: once a client that connected after the stalled ones has its
                // greeting answered, every stalled one has been accepted and has its handshake timer running.
                try (RawConnection probe = RawConnection.open(server.socksAddress(), Duration.ofSeconds(5))) {
                    probe.send(Socks5Frames.greeting(Socks5Frames.METHOD_USERPASS));
                    probe.readExactly(2, Duration.ofSeconds(60));
                }
                long accepted = System.nanoTime();
                long held = server.fds() - fd0;
                long millis = server.servedMillis(echo.port());
                System.out.printf("stalled: %d opened in %d ms, all accepted after %d ms; the child holds %d of them;"
                        + " normal client served in %d ms%n", n, (opened - t0) / 1_000_000,
                        (accepted - t0) / 1_000_000, held, millis);
                assertTrue(millis < 1000, "normal client served in " + millis + " ms");

                // every stalled client must be closed by the server by the time the last one timed out, plus slack
                long deadline = accepted + TimeUnit.SECONDS.toNanos(timeout + SLACK_S);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, deadline - System.nanoTime()));
                int stillOpen = 0;
                for (Socket s : stalled) {
                    if (!closedByPeer(s)) {
                        stillOpen++;
                    }
                }
                long fd = Socks5dChild.awaitAtMost(server::fds, fd0 + 10, Duration.ofSeconds(5));
                System.out.printf("stalled: %d of %d still open %d s after the last accept; child fds %d -> %d%n",
                        stillOpen, n, timeout + SLACK_S, fd0, fd);
                assertEquals(0, stillOpen, "stalled clients the server did not drop");
                assertTrue(fd <= fd0 + 10, "descriptors back: " + fd0 + " -> " + fd);
                assertEquals(0, server.awaitNoCurrentConnections(Duration.ofSeconds(5)));
                assertTrue(server.servedMillis(echo.port()) < 1000);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    /** Whether the server closed (FIN or RST) this socket; a read that times out means it is still open. */
    private static boolean closedByPeer(Socket s) throws IOException {
        s.setSoTimeout(1);
        try {
            while (s.getInputStream().read() >= 0) {
                // an answer byte before the close, if any
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
