package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import socks5d.proxy.ProxyHarness;
import socks5d.testkit.client.Socks5Client;
import socks5d.testkit.client.Socks5Result;
import socks5d.testkit.target.EchoServer;

/**
 * docs/operations.md, Logs: with {@code --log-format json} every line on standard output and error
 * is one JSON object, and an access-log line carries its fields as JSON fields.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JsonLogIT {
    private final InetAddress lo = InetAddress.getLoopbackAddress();

    @Test
    void everyLineIsOneJsonObjectAndAccessFieldsAreJsonFields() throws Exception {
        Path dir = Files.createTempDirectory("socks5d-jsonlog");
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, "socks5d.management.users.hash-iterations = 1000\n");
        ServerProcess server;
        try (EchoServer echo = EchoServer.start(lo)) {
            server = ServerProcess.start(dir, "json", dir.resolve("data"), conf, List.of(),
                    List.of("--log-format", "json", "-u", ProxyHarness.USER + ":" + ProxyHarness.PASSWORD));
            try (server) {
                try (Socks5Result r = Socks5Client.to(new InetSocketAddress(lo, server.ports.socks()))
                        .withAuth(ProxyHarness.USER, ProxyHarness.PASSWORD).connect(lo, echo.port())) {
                    assertEquals(0, r.reply());
                    ProxyHarness.assertEchoes(r.socket(), "json");
                }
                server.process.destroy();
                assertTrue(server.process.waitFor(30, TimeUnit.SECONDS));
            }
            List<String> out = Files.readAllLines(server.stdout);
            List<String> err = Files.readAllLines(server.stderr);
            assertTrue(err.size() > 3, "lifecycle lines: " + err);
            for (String line : concat(out, err)) {
                assertTrue(line.startsWith("{") && line.endsWith("}"), "not one JSON object: " + line);
            }
            String access = out.stream().filter(l -> l.contains("\"loggerName\":\"socks5d.access\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("no access line in " + out));
            for (String field : new String[] {"{\"user\":\"admin\"}", "{\"kind\":\"A\"}",
                    "{\"destination\":\"127.0.0.1\"}", "{\"destination_port\":\"" + echo.port() + "\"}",
                    "{\"reply_code\":\"0\"}", "{\"bytes\":\"8\"}", "{\"auth\":\"true\"}"}) {
                assertTrue(access.contains(field), field + " in " + access);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
