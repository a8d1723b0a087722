package socks5d.testkit.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.bytes;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import socks5d.testkit.target.EchoServer;

/** Drives the client against a scripted one-connection server that checks the exact bytes it gets. */
class Socks5ClientIT {
    private static final int TIMEOUT_MS = 5_000;
    private static final Duration TIMEOUT = Duration.ofMillis(TIMEOUT_MS);

    /** One step of the fake server: bytes it expects, then bytes it answers. */
    private record Step(String expect, String answer) {
    }

    private static CompletableFuture<Void> script(ServerSocket server, Step... steps) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(TIMEOUT_MS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (Step step : steps) {
                    byte[] want = bytes(step.expect());
                    assertArrayEquals(want, in.readNBytes(want.length));
                    out.write(bytes(step.answer()));
                    out.flush();
                }
                s.shutdownOutput();
                in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(TIMEOUT_MS);
        return server;
    }

    private static Socks5Client client(ServerSocket server) {
        return Socks5Client.to(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()))
                .withTimeouts(TIMEOUT, TIMEOUT);
    }

    @Test
    void authenticatesThenConnectsAndReportsTheBoundAddress() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server,
                    new Step("05 02 00 02", "05 02"),
                    new Step("01 01 75 01 70", "01 00"),
                    new Step("05 01 00 03 09 64 75 61 6c 2e 74 65 73 74 00 50",
                            "05 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 c3 50"));
            try (Socks5Result r = client(server).withAuth("u", "p").connect("dual.test", 80)) {
                assertEquals(2, r.method());
                assertEquals(0, r.authStatus());
                assertTrue(r.succeeded());
                assertEquals(InetAddress.getByName("::1"), r.boundAddress());
                assertEquals(50_000, r.boundPort());
                assertEquals(-1, r.socket().getInputStream().read());
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void pipelinedSendsEverythingAtOnce() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server,
                    new Step("05 02 00 02  01 01 75 01 70  05 01 00 01 7f 00 00 01 00 07",
                            "05 02  01 00  05 05 00 01 00 00 00 00 00 00"));
            try (Socks5Result r = client(server).withAuth("u", "p").pipelined(true)
                    .connect(InetAddress.getByName("127.0.0.1"), 7)) {
                assertEquals(Socks5Frames.REP_CONNECTION_REFUSED, r.reply());
                assertFalse(r.succeeded());
                assertTrue(r.socket().isClosed());
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void reportsNoAcceptableMethod() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server, new Step("05 01 00", "05 ff"));
            try (Socks5Result r = client(server).connect("x.test", 1)) {
                assertEquals(Socks5Frames.METHOD_NONE_ACCEPTABLE, r.method());
                assertEquals(Socks5Result.NOT_REACHED, r.reply());
                assertNull(r.boundHost());
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void reportsFailedAuthentication() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server,
                    new Step("05 01 02", "05 02"), new Step("01 01 75 01 70", "01 01"));
            try (Socks5Result r = client(server).withAuth("u", "p").withMethods(2).connect("x.test", 1)) {
                assertEquals(1, r.authStatus());
                assertFalse(r.succeeded());
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void earlyCloseIsAnEofNotAHang() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server, new Step("05 01 00", "05"));
            assertThrows(EOFException.class, () -> client(server).connect("x.test", 1));
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void rawConnectionReadsExactlyAndSeesTheClose() throws Exception {
        try (EchoServer echo = EchoServer.start(InetAddress.getLoopbackAddress());
             RawConnection raw = Socks5Client.raw(echo.socketAddress())) {
            raw.sendByteByByte(bytes("05 01 00"));
            assertArrayEquals(bytes("05 01 00"), raw.readExactly(3, TIMEOUT));
            assertFalse(raw.isClosedByPeer(Duration.ofMillis(50)));
            raw.send(bytes("0a 0b"));
            raw.shutdownOutput();
            assertArrayEquals(bytes("0a 0b"), raw.readAllUntilClose(TIMEOUT));
        }
    }

    @Test
    void rawReadTimesOut() throws Exception {
        try (EchoServer echo = EchoServer.start(InetAddress.getLoopbackAddress());
             RawConnection raw = Socks5Client.raw(echo.socketAddress())) {
            assertThrows(java.net.SocketTimeoutException.class, () -> raw.readExactly(1, Duration.ofMillis(50)));
        }
    }
}
