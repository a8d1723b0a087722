package socks5d.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The relay memory budget and the direct-memory session limit, without actors or sockets. */
class RelayMemoryTest {

    @Test
    void roomIsTheBudgetLessWhatIsHeld() {
        RelayMemory m = new RelayMemory(100, 0);
        assertTrue(m.hasRoom());
        m.take(99);
        assertTrue(m.hasRoom());
        m.take(1);
        assertFalse(m.hasRoom(), "full at the budget");
        m.take(50); // a read in flight may overshoot it
        assertEquals(150, m.held());
        m.release(51);
        assertTrue(m.hasRoom());
        assertThrows(IllegalArgumentException.class, () -> new RelayMemory(0, 0));
    }

    @Test
    void aWaitingSessionIsWokenOnceWhenRoomReturns() {
        RelayMemory m = new RelayMemory(100, 0);
        m.take(100);
        AtomicInteger woken = new AtomicInteger();
        m.awaitRoom(woken::incrementAndGet);
        m.awaitRoom(woken::incrementAndGet);
        assertEquals(0, woken.get(), "no room: nobody woken");
        m.release(10);
        assertEquals(2, woken.get(), "room: every waiter woken");
        m.take(10);
        m.release(10);
        assertEquals(2, woken.get(), "each wait wakes once");
    }

    @Test
    void waitingWithRoomWakesAtOnce() {
        RelayMemory m = new RelayMemory(100, 0);
        AtomicInteger woken = new AtomicInteger();
        m.awaitRoom(woken::incrementAndGet);
        assertEquals(1, woken.get());
    }

    @Test
    void sessionsAreLimitedByDirectMemory() {
        // 1 GiB less an eighth, two 128 KiB buffers per session
        assertEquals(3584, RelayMemory.sessionsFor(1L << 30, 128 * 1024));
        assertEquals(1, RelayMemory.sessionsFor(1024, 128 * 1024), "at least one");
        RelayMemory m = new RelayMemory(100, 2);
        assertTrue(m.tryStartSession());
        assertTrue(m.tryStartSession());
        assertFalse(m.tryStartSession(), "the third does not fit");
        m.endSession();
        assertTrue(m.tryStartSession(), "a place given back is taken again");
        RelayMemory unlimited = new RelayMemory(100, 0);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(unlimited.tryStartSession());
        }
    }

    @Test
    void concurrentTakesAndReleasesBalanceAndNoWaiterIsLost() throws Exception {
        RelayMemory m = new RelayMemory(1_000, 64);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int sessions = 64;
        CountDownLatch done = new CountDownLatch(sessions);
        AtomicInteger waits = new AtomicInteger();
        List<Runnable> tasks = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            tasks.add(new Runnable() {
                int left = 2_000;

                @Override
                public void run() {
                    // Read while there is room, write back what was read; wait when full.
                    while (left > 0) {
                        if (!m.hasRoom()) {
                            waits.incrementAndGet();
                            m.awaitRoom(() -> pool.execute(this));
                            return;
                        }
                        m.take(300); // a few sessions together fill the budget
                        Thread.yield();
                        m.release(300);
                        left--;
                    }
                    done.countDown();
                }
            });
        }
        tasks.forEach(pool::execute);
        assertTrue(done.await(30, TimeUnit.SECONDS), "every session finished: no lost wake-up");
        assertTrue(waits.get() > 0, "the budget was full at times");
        pool.shutdown();
        assertEquals(0, m.held());
    }
}
