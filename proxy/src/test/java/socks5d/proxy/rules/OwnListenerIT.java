package socks5d.proxy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Frames;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.dns.LoopbackDnsServer;

/**
 * docs/protocols/socks5.md, Own listeners and ruleset: a CONNECT to one of the server's own
 * listeners is refused with 0x02 by every spelling of a local address (other 127/8 addresses, ::1,
 * IPv4-mapped IPv6, 0.0.0.0, names that resolve to loopback), so a proxy user cannot reach the
 * unauthenticated MCP port or loop the proxy into itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnListenerIT {
    private LoopbackDnsServer dns;
    private ProxyHarness proxy;
    private final List<Integer> ownPorts = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        int[] free = socks5d.testkit.process.ChildProcess.freePorts(4); // four different ports
        int socks = free[0];
        int mcp = free[1];
        int mass = free[2];
        int pctp = free[3];
        ownPorts.addAll(List.of(socks, mcp, mass, pctp));
        dns = LoopbackDnsServer.builder()
                .record("localhost", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"))
                .record("me.test", InetAddress.getByName("127.0.0.1"))
                .record("me6.test", InetAddress.getByName("::1"))
                .record("host.test", hostAddress())
                .start();
        proxy = ProxyHarness.start(dns.socks5dConfig() + String.join("\n",
                "socks5d.proxy.port = " + socks,
                "socks5d.management.mcp.port = " + mcp,
                "socks5d.management.mass.port = " + mass,
                "socks5d.management.pctp.port = " + pctp));
    }

    @AfterAll
    void stop() {
        proxy.close();
        dns.close();
    }

    @Test
    void refusesOwnListenersByEveryAddressSpelling() throws IOException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 127;
        mapped[15] = 1;
        List<InetAddress> addresses = new ArrayList<>(List.of(
                InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("127.0.0.2"),
                InetAddress.getByName("127.255.255.254"),
                InetAddress.getByName("0.0.0.0"),
                InetAddress.getByName("::1"),
                InetAddress.getByName("::"),
                Inet6Address.getByAddress(null, mapped, -1)));
        addresses.addAll(interfaceAddresses()); // the machine's own non-loopback addresses
        for (int port : ownPorts) {
            for (InetAddress a : addresses) {
                try (Socks5Result r = proxy.client().connect(a, port)) {
                    assertEquals(Socks5Frames.REP_NOT_ALLOWED, r.reply(), a + " port " + port);
                }
            }
            for (String name : new String[] {"localhost", "me.test", "me6.test", "127.0.0.1", "::1", "LOCALHOST", "host.test"}) {
                try (Socks5Result r = proxy.client().connect(name, port)) {
                    assertEquals(Socks5Frames.REP_NOT_ALLOWED, r.reply(), name + " port " + port);
                }
            }
        }
    }

    /** The machine's addresses other than loopback (a name for the machine resolves to these). */
    private static List<InetAddress> interfaceAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress()) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** One of the machine's own addresses, for a DNS name of this host; loopback if it has no other. */
    private static InetAddress hostAddress() throws IOException {
        List<InetAddress> all = interfaceAddresses();
        return all.isEmpty() ? InetAddress.getLoopbackAddress() : all.get(0);
    }

}
