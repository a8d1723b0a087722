package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

class SourceServerIT {

    @Test
    void streamsTheRequestedPatternBytesThenCloses() throws Exception {
        long n = 32L * 1024 * 1024 + 3;
        try (SourceServer source = SourceServer.start(InetAddress.getLoopbackAddress());
             Socket s = EchoServerIT.connect(source)) {
            s.getOutputStream().write(SourcePattern.request(n));
            InputStream in = s.getInputStream();
            SourcePattern.Verifier v = SourcePattern.verifier();
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) >= 0) {
                v.update(buf, 0, r);
            }
            assertEquals(-1, v.firstMismatch());
            assertTrue(v.matches(n), "received " + v.count());
        }
    }

    @Test
    void zeroLengthRequestJustCloses() throws Exception {
        try (SourceServer source = SourceServer.start(InetAddress.getLoopbackAddress());
             Socket s = EchoServerIT.connect(source)) {
            s.getOutputStream().write(SourcePattern.request(0));
            assertEquals(-1, s.getInputStream().read());
        }
    }
}
