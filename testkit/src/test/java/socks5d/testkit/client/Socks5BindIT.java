package socks5d.testkit.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.bytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link Socks5Client#bind} and {@link Socks5Bind} against a scripted server that checks the exact bytes
 * it gets and answers the two replies of RFC 1928 §6: first the socket it listens on, then the host that
 * connected to it, with that host's first bytes in the same write.
 */
class Socks5BindIT {
    private static final int TIMEOUT_MS = 5_000;
    private static final Duration TIMEOUT = Duration.ofMillis(TIMEOUT_MS);
    /** What the connecting host sends first, relayed right behind the second reply. */
    private static final byte[] BANNER = bytes("32 32 30 20");

    /** How the scripted server answers after the first reply. */
    private enum Second { PEER, FAILURE, NONE }

    private static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        server.setSoTimeout(TIMEOUT_MS);
        return server;
    }

    private static Socks5Client client(ServerSocket server) {
        return Socks5Client.to(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()))
                .withTimeouts(TIMEOUT, TIMEOUT);
    }

    private static byte[] reply(int rep, InetAddress address, int port) {
        return Socks5Frames.concat(new byte[] {Socks5Frames.VERSION, (byte) rep, 0, Socks5Frames.ATYP_IPV4},
                address.getAddress(), new byte[] {(byte) (port >>> Byte.SIZE), (byte) port});
    }

    /**
     * Expects the greeting and {@code request}, listens on a socket of its own, reports it as BND.ADDR
     * (or 0.0.0.0 when {@code unspecified}), then answers as {@code second} says and waits for the
     * client to close.
     */
    private static CompletableFuture<Void> script(ServerSocket server, String request, boolean unspecified,
                                                  Second second, CountDownLatch release) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept(); ServerSocket listener = listen()) {
                s.setSoTimeout(TIMEOUT_MS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                assertArrayEquals(bytes("05 01 00"), in.readNBytes(3));
                out.write(bytes("05 00"));
                byte[] want = bytes(request);
                assertArrayEquals(want, in.readNBytes(want.length));
                InetAddress bound = unspecified ? InetAddress.getByName("0.0.0.0") : listener.getInetAddress();
                out.write(reply(Socks5Frames.REP_SUCCEEDED, bound, listener.getLocalPort()));
                out.flush();
                switch (second) {
                    case PEER -> {
                        try (Socket peer = listener.accept()) {
                            out.write(Socks5Frames.concat(
                                    reply(Socks5Frames.REP_SUCCEEDED, peer.getInetAddress(), peer.getPort()), BANNER));
                            out.flush();
                            in.readAllBytes();
                        }
                    }
                    case FAILURE -> {
                        out.write(reply(Socks5Frames.REP_GENERAL_FAILURE, InetAddress.getByName("0.0.0.0"), 0));
                        out.flush();
                        in.readAllBytes();
                    }
                    case NONE -> release.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    default -> throw new AssertionError(second);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void firstReplyNamesTheListenerAndSecondTheConnectingHost() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server, """
                    05 02 00     # VER CMD=BIND RSV
                    01           # ATYP IPv4
                    7f 00 00 01  # DST.ADDR: the host expected to connect
                    00 14        # DST.PORT 20
                    """, false, Second.PEER, null);
            try (Socks5Bind bind = client(server).bind(InetAddress.getByName("127.0.0.1"), 20)) {
                assertTrue(bind.succeeded());
                assertNull(bind.second());
                InetSocketAddress listener = bind.listenAddress();
                assertEquals(InetAddress.getByName("127.0.0.1"), listener.getAddress());
                try (Socket peer = new Socket()) {
                    peer.connect(listener, TIMEOUT_MS);
                    Socks5Result second = bind.awaitPeer(TIMEOUT);
                    assertTrue(second.succeeded());
                    assertEquals(peer.getLocalAddress(), second.boundAddress());
                    assertEquals(peer.getLocalPort(), second.boundPort());
                    assertEquals(second, bind.second());
                    assertArrayEquals(BANNER, bind.socket().getInputStream().readNBytes(BANNER.length));
                    assertThrows(IllegalStateException.class, () -> bind.awaitPeer(TIMEOUT));
                }
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void namesTheExpectedHostByDomainName() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server, """
                    05 02 00     # VER CMD=BIND RSV
                    03           # ATYP DOMAINNAME
                    07           # DST.ADDR length
                    66 74 70 2e 74 65 73  # DST.ADDR "ftp.tes"
                    00 14        # DST.PORT 20
                    """, false, Second.FAILURE, null);
            try (Socks5Bind bind = client(server).bind("ftp.tes", 20)) {
                Socks5Result second = bind.awaitPeer(TIMEOUT);
                assertEquals(Socks5Frames.REP_GENERAL_FAILURE, second.reply());
                assertTrue(bind.socket().isClosed(), "a failed second reply ends the BIND");
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void readsAnUnspecifiedBoundAddressAsTheProxys() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = script(server, "05 02 00 01 7f000001 0000", true, Second.NONE, release);
            try (Socks5Bind bind = client(server).bind(InetAddress.getByName("127.0.0.1"), 0)) {
                assertEquals(InetAddress.getByName("0.0.0.0"), bind.first().boundAddress());
                assertEquals(server.getInetAddress(), bind.listenAddress().getAddress());
                assertThrows(SocketTimeoutException.class, () -> bind.awaitPeer(Duration.ofMillis(50)));
                assertTrue(bind.socket().isClosed(), "a BIND that timed out is closed");
            } finally {
                release.countDown();
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aRefusedBindHasNoListenerAndNoSecondReply() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readNBytes(3);
                    s.getOutputStream().write(bytes("05 00"));
                    s.getInputStream().readNBytes(10);
                    s.getOutputStream().write(bytes("05 07 00 01 00000000 0000"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (Socks5Bind bind = client(server).bind(InetAddress.getByName("127.0.0.1"), 0)) {
                assertFalse(bind.succeeded());
                assertEquals(Socks5Frames.REP_COMMAND_NOT_SUPPORTED, bind.first().reply());
                assertNull(bind.listenAddress());
                assertTrue(bind.socket().isClosed());
                assertThrows(IllegalStateException.class, () -> bind.awaitPeer(TIMEOUT));
            }
            done.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }
}
