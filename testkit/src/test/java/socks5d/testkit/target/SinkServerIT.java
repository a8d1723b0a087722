package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

class SinkServerIT {

    @Test
    void answersCountAndCrcOfEverythingSent() throws Exception {
        byte[] data = SourcePattern.bytes(7, 16 * 1024 * 1024);
        try (SinkServer sink = SinkServer.start(InetAddress.getLoopbackAddress());
             Socket s = EchoServerIT.connect(sink)) {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
            s.shutdownOutput();
            assertEquals(SinkServer.Receipt.of(data), SinkServer.Receipt.read(s.getInputStream()));
            assertEquals(-1, s.getInputStream().read());
            assertEquals(data.length, sink.receivedTotal());
        }
    }

    @Test
    void emptyUploadGetsAZeroReceipt() throws Exception {
        try (SinkServer sink = SinkServer.start(InetAddress.getLoopbackAddress());
             Socket s = EchoServerIT.connect(sink)) {
            s.shutdownOutput();
            assertEquals(SinkServer.Receipt.of(new byte[0]), SinkServer.Receipt.read(s.getInputStream()));
        }
    }
}
