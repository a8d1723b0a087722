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

    @Test
    void warnsOfTheFirstRefusalThenAtMostOnceAPeriodCountingTheRest() {
        ConnectionGauge gauge = new ConnectionGauge(1);
        long t = 5_000_000_000L;
        assertEquals(1, gauge.refused(t), "the first refusal is warned about");
        for (int i = 1; i <= 999; i++) {
            assertEquals(0, gauge.refused(t + i * 1_000_000L), "a flood within the period is not");
        }
        assertEquals(1000, gauge.refused(t + ConnectionGauge.WARN_EVERY_NANOS),
                "the next warning counts itself and the 999 before it");
        assertEquals(0, gauge.refused(t + ConnectionGauge.WARN_EVERY_NANOS + 1));
        assertEquals(2, gauge.refused(t + 3 * ConnectionGauge.WARN_EVERY_NANOS));
    }
}
