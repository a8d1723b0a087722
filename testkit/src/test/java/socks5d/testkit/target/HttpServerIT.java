package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HttpServerIT {

    @Test
    void getReturnsTheBodyAndRecordsHeaders() throws Exception {
        try (HttpServer http = HttpServer.start(InetAddress.getLoopbackAddress());
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress(http.address(), http.port()), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: target.test\r\nAuthorization: Basic dTpw\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.toLowerCase().contains("content-length: " + HttpServer.BODY.length()), response);
            assertTrue(response.endsWith("\r\n\r\n" + HttpServer.BODY), response);
            HttpServer.Request r = http.awaitRequests(1, Duration.ofSeconds(5)).get(0);
            assertEquals("GET", r.method());
            assertEquals(Optional.of("Basic dTpw"), r.header("authorization"));
        }
    }
}
