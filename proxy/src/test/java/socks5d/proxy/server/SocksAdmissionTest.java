package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SocksAdmissionTest {
    @Test
    void budgetsTheOpenFileLimitLessAReserve() {
        // 20,000 - (64 + 20,000 / 32) = 19,311; 256 - (64 + 256 / 32) = 184
        assertEquals(19_311, SocksAdmission.descriptorBudget(20_000));
        assertEquals(184, SocksAdmission.descriptorBudget(256));
        assertEquals(SocksAdmission.FDS_PER_CLIENT, SocksAdmission.descriptorBudget(10));
        assertEquals(0, SocksAdmission.descriptorBudget(-1), "unknown limit: no budget");
    }

    @Test
    void relayedClientsHoldTwoDescriptorsAndNegotiatingOnesOne() {
        SocksAdmission admission = new SocksAdmission(0, 5);
        assertTrue(admission.tryOpen());
        assertTrue(admission.tryReserveOutbound());
        assertTrue(admission.tryOpen());
        assertTrue(admission.tryReserveOutbound());
        assertTrue(admission.tryOpen(), "a fifth descriptor for a client still negotiating");
        assertFalse(admission.tryOpen(), "budget spent");
        assertFalse(admission.tryReserveOutbound(), "no descriptor for its destination either");
        admission.releaseOutbound();
        assertTrue(admission.tryOpen());
        assertEquals(4, admission.open());
    }

    @Test
    void spareDescriptorsComeOnlyFromTheFirstQuarterOfTheBudget() {
        SocksAdmission admission = new SocksAdmission(0, 40);
        assertTrue(admission.tryOpen());
        assertTrue(admission.tryReserveOutbound());
        assertTrue(admission.tryReserveSpare(4), "a spliced session's pipes: 6 of the first 10");
        assertTrue(admission.tryReserveSpare(4), "another session's: 10 of 10");
        assertFalse(admission.tryReserveSpare(4), "14 would pass the first quarter: that session keeps copying");
        for (int i = 0; i < 15; i++) {
            assertTrue(admission.tryOpen());
            assertTrue(admission.tryReserveOutbound());
        }
        assertFalse(admission.tryOpen(), "clients still take the budget to its end: 40 of 40");
        admission.release(4);
        assertTrue(admission.tryOpen(), "the pipes given back serve a client");
        assertFalse(admission.tryReserveSpare(4), "none while the budget is past its first quarter");
    }

    @Test
    void limitsClientsIndependentlyOfDescriptors() {
        SocksAdmission admission = new SocksAdmission(2, 100);
        assertTrue(admission.tryOpen());
        assertTrue(admission.tryOpen());
        assertFalse(admission.tryOpen());
        admission.close();
        assertTrue(admission.tryOpen());
    }

    @Test
    void drainsWhenTheLastClientCloses() {
        SocksAdmission admission = new SocksAdmission(0, 0);
        assertTrue(admission.tryOpen());
        assertTrue(admission.tryReserveOutbound());
        var drained = admission.drain().toCompletableFuture();
        assertFalse(drained.isDone());
        admission.releaseOutbound();
        admission.close();
        assertTrue(drained.isDone());
    }
}
