package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class Pop3ServerIT {

    @Test
    void answersTheTranscriptAndRecordsCredentials() throws Exception {
        try (Pop3Server pop3 = Pop3Server.start(InetAddress.getLoopbackAddress());
             Socket s = EchoServerIT.connect(pop3)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertEquals("+OK POP3 ready", in.readLine());
            out.write("USER alice\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK send PASS", in.readLine());
            out.write("PASS s3cret word\r\nSTAT\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK logged in", in.readLine());
            assertEquals("-ERR unknown command", in.readLine());
            assertEquals("+OK bye", in.readLine());
            assertEquals(null, in.readLine());
            assertEquals(List.of(new Pop3Server.Credentials("alice", "s3cret word")),
                    pop3.awaitCredentials(1, Duration.ofSeconds(5)));
            assertEquals(List.of("USER alice", "PASS s3cret word", "STAT", "QUIT"), pop3.lines());
        }
    }
}
