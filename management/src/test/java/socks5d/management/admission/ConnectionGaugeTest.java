package socks5d.management.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionGaugeTest {
    @Test
    void budgetsTheOpenFileLimitLessAReserve() {
        // 20,000 - (64 + 20,000 / 32) = 19,311; 256 - (64 + 256 / 32) = 184
        assertEquals(19_311, ConnectionGauge.descriptorBudget(20_000));
        assertEquals(184, ConnectionGauge.descriptorBudget(256));
        assertEquals(ConnectionGauge.FDS_PER_CLIENT, ConnectionGauge.descriptorBudget(10));
        assertEquals(0, ConnectionGauge.descriptorBudget(-1), "unknown limit: no budget");
    }

    @Test
    void relayedClientsHoldTwoDescriptorsAndNegotiatingOnesOne() {
        ConnectionGauge gauge = new ConnectionGauge(0, 5);
        assertTrue(gauge.tryOpen());
        assertTrue(gauge.tryReserveOutbound());
        assertTrue(gauge.tryOpen());
        assertTrue(gauge.tryReserveOutbound());
        assertTrue(gauge.tryOpen(), "a fifth descriptor for a client still negotiating");
        assertFalse(gauge.tryOpen(), "budget spent");
        assertFalse(gauge.tryReserveOutbound(), "no descriptor for its destination either");
        gauge.releaseOutbound();
        assertTrue(gauge.tryOpen());
        assertEquals(4, gauge.open());
    }

    @Test
    void limitsClientsIndependentlyOfDescriptors() {
        ConnectionGauge gauge = new ConnectionGauge(2, 100);
        assertTrue(gauge.tryOpen());
        assertTrue(gauge.tryOpen());
        assertFalse(gauge.tryOpen());
        gauge.close();
        assertTrue(gauge.tryOpen());
    }

    @Test
    void drainsWhenTheLastClientCloses() {
        ConnectionGauge gauge = new ConnectionGauge(0, 0);
        assertTrue(gauge.tryOpen());
        assertTrue(gauge.tryReserveOutbound());
        var drained = gauge.drain().toCompletableFuture();
        assertFalse(drained.isDone());
        gauge.releaseOutbound();
        gauge.close();
        assertTrue(drained.isDone());
    }
}
