package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class EchoServerIT {
    private static final int TIMEOUT_MS = 5_000;

    @Test
    void echoesBytesAndPropagatesHalfClose() throws Exception {
        try (EchoServer echo = EchoServer.start(InetAddress.getLoopbackAddress());
             Socket s = connect(echo)) {
            byte[] data = SourcePattern.bytes(0, 4 * 1024 * 1024);
            InputStream in = s.getInputStream();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            OutputStream out = s.getOutputStream();
            out.write(data);
            s.shutdownOutput();
            assertArrayEquals(data, received.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertEquals(1, echo.acceptedCount());
        }
    }

    @Test
    void answersAfterHalfCloseWithTheRestOfTheEcho() throws Exception {
        try (EchoServer echo = EchoServer.start(InetAddress.getLoopbackAddress());
             Socket s = connect(echo)) {
            s.getOutputStream().write("ping".getBytes());
            s.shutdownOutput();
            assertArrayEquals("ping".getBytes(), s.getInputStream().readAllBytes());
        }
    }

    @Test
    void servesOnIpv6LoopbackToo() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (EchoServer echo = EchoServer.start(v6); Socket s = connect(echo)) {
            s.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            assertTrue(echo.address() instanceof java.net.Inet6Address);
        }
    }

    @Test
    void holdsManyConcurrentConnections() throws Exception {
        int n = 1_000;
        Socket[] sockets = new Socket[n];
        try (EchoServer echo = EchoServer.start(InetAddress.getLoopbackAddress())) {
            try {
                for (int i = 0; i < n; i++) {
                    sockets[i] = connect(echo);
                    sockets[i].getOutputStream().write(i & 0x7f);
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(i & 0x7f, sockets[i].getInputStream().read());
                }
                assertEquals(n, echo.acceptedCount());
                assertEquals(n, echo.openConnections());
            } finally {
                for (Socket s : sockets) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    static Socket connect(TargetServer server) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(server.address(), server.port()), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }
}
