package socks5d.testkit.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static socks5d.testkit.bytes.Hex.bytes;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class DnsCodecTest {

    @Test
    void encodesAQueryForTests() {
        assertArrayEquals(bytes("""
                12 34  # ID
                01 00  # flags: RD
                00 01  # QDCOUNT
                00 00 00 00 00 00  # AN, NS, AR counts
                04 64 75 61 6c  04 74 65 73 74  00  # QNAME dual.test
                00 1c  # QTYPE AAAA
                00 01  # QCLASS IN
                """), DnsCodec.encodeQuery(0x1234, "dual.test", DnsCodec.TYPE_AAAA));
    }

    @Test
    void decodesTheQuestionCaseInsensitively() {
        byte[] q = DnsCodec.encodeQuery(7, "Dual.TEST.", DnsCodec.TYPE_A);
        DnsCodec.Query query = DnsCodec.decodeQuery(q, q.length);
        assertEquals("dual.test", query.name());
        assertEquals(DnsCodec.TYPE_A, query.type());
        assertEquals(7, query.id());
    }

    @Test
    void encodesAnAnswerWithAPointerToTheQuestion() throws Exception {
        byte[] q = DnsCodec.encodeQuery(0xabcd, "a.test", DnsCodec.TYPE_A);
        byte[] answer = DnsCodec.encodeResponse(DnsCodec.decodeQuery(q, q.length), DnsCodec.RCODE_NOERROR,
                List.of(InetAddress.getByName("127.0.0.1")), 60, false);
        assertArrayEquals(bytes("""
                ab cd  # ID echoed
                85 80  # QR AA RD RA, RCODE 0
                00 01 00 01 00 00 00 00  # QD 1, AN 1
                01 61 04 74 65 73 74 00 00 01 00 01  # question echoed
                c0 0c  # NAME: pointer to offset 12
                00 01 00 01  # TYPE A, CLASS IN
                00 00 00 3c  # TTL 60
                00 04 7f 00 00 01  # RDLENGTH 4, 127.0.0.1
                """), answer);
    }

    @Test
    void rejectsTruncatedOrMultiQuestionMessages() {
        byte[] q = DnsCodec.encodeQuery(1, "a.test", DnsCodec.TYPE_A);
        assertThrows(IllegalArgumentException.class, () -> DnsCodec.decodeQuery(q, q.length - 3));
        byte[] two = q.clone();
        two[5] = 2;
        assertThrows(IllegalArgumentException.class, () -> DnsCodec.decodeQuery(two, two.length));
    }
}
