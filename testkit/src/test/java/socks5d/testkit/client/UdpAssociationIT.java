package socks5d.testkit.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.bytes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import socks5d.testkit.target.UdpEchoServer;

/**
 * {@link Socks5Client#udpAssociate} and {@link UdpAssociation} against {@link MiniUdpRelay} and a
 * {@link UdpEchoServer}: the request's bytes, the relay address, the RFC 1928 §7 header both ways,
 * and the control connection's life.
 */
class UdpAssociationIT {
    private static final int TIMEOUT_MS = 5_000;
    private static final Duration TIMEOUT = Duration.ofMillis(TIMEOUT_MS);

    private static Socks5Client client(MiniUdpRelay relay) {
        return Socks5Client.to(relay.address()).withTimeouts(TIMEOUT, TIMEOUT);
    }

    @Test
    void declaresItsOwnUdpSocketAndRelaysToAnAddress() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             MiniUdpRelay relay = MiniUdpRelay.start(Map.of());
             UdpAssociation a = client(relay).udpAssociate()) {
            assertTrue(a.succeeded());
            int port = a.localAddress().getPort();
            assertArrayEquals(bytes("""
                    05           # VER
                    03           # CMD UDP ASSOCIATE
                    00           # RSV
                    01           # ATYP IPv4
                    7f 00 00 01  # DST.ADDR: the client's UDP socket
                    %04x         # DST.PORT: the client's UDP socket
                    """.formatted(port)), relay.request().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertEquals(InetAddress.getByName("127.0.0.1"), a.relay().getAddress());

            a.send(echo.socketAddress(), "ping".getBytes());
            Socks5Datagram d = a.receive(TIMEOUT);
            assertEquals(0, d.fragment());
            assertEquals(echo.socketAddress(), d.sender());
            assertArrayEquals("ping".getBytes(), d.data());
            assertEquals(a.relay(), d.source());
        }
    }

    @Test
    void sendsByNameForTheRelayToResolve() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             MiniUdpRelay relay = MiniUdpRelay.start(Map.of("echo.test", echo.address()));
             UdpAssociation a = client(relay).udpAssociate()) {
            a.send("echo.test", echo.port(), "by name".getBytes());
            Socks5Datagram d = a.receive(TIMEOUT);
            assertEquals(echo.socketAddress(), d.sender());
            assertArrayEquals("by name".getBytes(), d.data());
        }
    }

    @Test
    void sendsEmptyDatagrams() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             MiniUdpRelay relay = MiniUdpRelay.start(Map.of());
             UdpAssociation a = client(relay).udpAssociate()) {
            a.send(echo.address(), echo.port(), new byte[0]);
            assertEquals(0, a.receive(TIMEOUT).data().length);
        }
    }

    @Test
    void declaresZerosWhenTold() throws Exception {
        try (MiniUdpRelay relay = MiniUdpRelay.start(Map.of());
             UdpAssociation a = client(relay).udpAssociate(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
            assertTrue(a.succeeded());
            assertEquals(HexFormat.of().formatHex(bytes("05 03 00 01 00000000 0000")),
                    HexFormat.of().formatHex(relay.request().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)));
        }
    }

    @Test
    void readsAnUnspecifiedBoundAddressAsTheProxys() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             MiniUdpRelay relay = MiniUdpRelay.reportingUnspecifiedAddress(Map.of());
             UdpAssociation a = client(relay).udpAssociate()) {
            assertEquals(InetAddress.getByName("0.0.0.0"), a.control().boundAddress());
            assertEquals(relay.address().getAddress(), a.relay().getAddress());
            a.send(echo.socketAddress(), "x".getBytes());
            assertArrayEquals("x".getBytes(), a.receive(TIMEOUT).data());
        }
    }

    @Test
    void rawDatagramsReachTheRelayAsWritten() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(InetAddress.getByName("127.0.0.1"));
             MiniUdpRelay relay = MiniUdpRelay.start(Map.of());
             UdpAssociation a = client(relay).udpAssociate()) {
            // a fragment: the relay drops it (RFC 1928 §7), then a whole datagram goes through
            a.sendRaw(Socks5Frames.udpDatagram(1, Socks5Frames.ATYP_IPV4, echo.address().getAddress(), echo.port(),
                    "frag".getBytes()));
            a.send(echo.socketAddress(), "whole".getBytes());
            assertArrayEquals("whole".getBytes(), a.receive(TIMEOUT).data());
            assertEquals(1, relay.dropped());
            assertEquals(1, echo.receivedCount());
        }
    }

    @Test
    void receiveTimesOut() throws Exception {
        try (MiniUdpRelay relay = MiniUdpRelay.start(Map.of());
             UdpAssociation a = client(relay).udpAssociate()) {
            assertThrows(SocketTimeoutException.class, () -> a.receive(Duration.ofMillis(50)));
        }
    }

    @Test
    void closingEndsTheControlConnection() throws Exception {
        try (MiniUdpRelay relay = MiniUdpRelay.start(Map.of())) {
            UdpAssociation a = client(relay).udpAssociate();
            assertFalse(relay.controlClosed().isDone());
            a.close();
            relay.controlClosed().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertTrue(a.controlSocket().isClosed());
        }
    }

    @Test
    void aRefusedAssociationClosesBothSockets() throws Exception {
        try (MiniUdpRelay relay = MiniUdpRelay.refusing(Socks5Frames.REP_COMMAND_NOT_SUPPORTED);
             UdpAssociation a = client(relay).udpAssociate()) {
            assertFalse(a.succeeded());
            assertEquals(Socks5Frames.REP_COMMAND_NOT_SUPPORTED, a.control().reply());
            assertNull(a.relay());
            assertTrue(a.controlSocket().isClosed());
            assertThrows(SocketException.class, () -> a.send(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7),
                    new byte[1]));
        }
    }
}
