package socks5d.testkit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class FreePortsTest {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void portsAreDifferentAndBindable() throws IOException {
        int[] ports = ChildProcess.freePorts(23);
        assertEquals(23, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    @Test
    void portsLieBelowTheEphemeralRangeThatOutgoingConnectionsUse() throws IOException {
        assumeTrue(Files.isReadable(RANGE), "Linux only: elsewhere the kernel chooses");
        int low = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
        assumeTrue(low > 10_100, "no room below the ephemeral range on this machine");
        for (int port : ChildProcess.freePorts(10)) {
            assertTrue(port >= 10_000 && port < low, port + " not below " + low);
        }
    }
}
