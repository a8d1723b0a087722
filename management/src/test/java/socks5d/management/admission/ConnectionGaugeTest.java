package socks5d.management.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionGaugeTest {
    @Test
    void admitsUpToItsMaximumAndAgainAfterAClose() {
        ConnectionGauge gauge = new ConnectionGauge(2);
        assertTrue(gauge.tryOpen());
        assertTrue(gauge.tryOpen());
        assertFalse(gauge.tryOpen());
        gauge.close();
        assertTrue(gauge.tryOpen());
        assertEquals(2, gauge.open());
    }

    @Test
    void zeroMeansNoLimit() {
        ConnectionGauge gauge = new ConnectionGauge(0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(gauge.tryOpen());
        }
        assertEquals(1000, gauge.open());
    }
}
