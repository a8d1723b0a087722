package socks5d.testkit.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

class SourcePatternTest {

    @Test
    void sliceAtAnyOffsetAgreesWithAt() {
        long offset = 3L * SourcePattern.PERIOD - 5;
        ByteBuffer slice = SourcePattern.slice(offset, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(SourcePattern.at(offset + i), slice.get(i));
        }
    }

    @Test
    void patternRepeatsWithItsPeriod() {
        assertArrayEquals(SourcePattern.bytes(0, 1000), SourcePattern.bytes(SourcePattern.PERIOD, 1000));
    }

    @Test
    void crc32cMatchesTheBytes() {
        byte[] data = SourcePattern.bytes(0, 3 * SourcePattern.MAX_SLICE + 17);
        CRC32C crc = new CRC32C();
        crc.update(data);
        assertEquals(crc.getValue(), SourcePattern.crc32c(data.length));
    }

    @Test
    void verifierAcceptsTheStreamInOddChunksAndFindsAWrongByte() {
        byte[] data = SourcePattern.bytes(0, 200_000);
        SourcePattern.Verifier ok = SourcePattern.verifier();
        for (int off = 0; off < data.length; off += 7_777) {
            ok.update(data, off, Math.min(7_777, data.length - off));
        }
        assertTrue(ok.matches(data.length));

        data[123_456] ^= 1;
        SourcePattern.Verifier bad = SourcePattern.verifier();
        assertFalse(bad.update(data, 0, data.length));
        assertEquals(123_456, bad.firstMismatch());
    }

    @Test
    void requestIsBigEndianLength() {
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 1, 0, 2}, SourcePattern.request(65_538));
    }
}
