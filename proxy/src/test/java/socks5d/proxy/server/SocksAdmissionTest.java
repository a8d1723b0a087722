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
    void splicedSessionsTakeTheirPipesFromTheSameBudget() {
        SocksAdmission admission = new SocksAdmission(0, 8);
        assertTrue(admission.tryOpen());
        assertTrue(admission.tryReserveOutbound());
        assertTrue(admission.tryReserve(4), "two pipes for a spliced session: 6 of 8");
        assertFalse(admission.tryReserve(4), "not another four: that session keeps copying");
        assertTrue(admission.tryOpen(), "a new client still fits: 7 of 8");
        assertTrue(admission.tryReserveOutbound(), "and its destination: 8 of 8");
        assertFalse(admission.tryOpen());
        admission.release(4);
        assertTrue(admission.tryReserve(4), "the pipes given back are free again");
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
