package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CpuTimeTest {

    /** A 3proxy's /proc/<pid>/stat: utime 1234, stime 567, cutime 8, cstime 9 (fields 14-17). */
    private static final String STAT = "5274 (3proxy) S 5270 5274 2213 0 -1 4194560 1620 0 0 0 1234 567 8 9 20 0 "
            + "2 0 36794 13443072 1406 18446744073709551615 1 1 0 0 0 0 0 4096 16387 0 0 0 17 1 0 0 0 0 0";

    @Test
    void sumsUserAndSystemTimeOfTheProcessAndOfItsReapedChildren() {
        assertEquals(Optional.of(1234L + 567 + 8 + 9), CpuTime.parseStatTicks(STAT));
    }

    @Test
    void aProcesssOwnTimeLeavesItsReapedChildrenOut() {
        assertEquals(Optional.of(1234L + 567), CpuTime.parseOwnTicks(STAT));
        assertEquals(Optional.of(1234L + 567), CpuTime.parseOwnTicks(STAT.replace("(3proxy)", "(a) b (c) 7)")));
        assertEquals(Optional.empty(), CpuTime.parseOwnTicks(STAT.replace(" 567 ", " x ")));
    }

    /**
     * The load generator's own CPU must not take in the proxies it runs as children: a child that burns a
     * core for a while shows in {@link CpuTime#of} (live, then reaped) and not in {@link CpuTime#ownOf}.
     */
    @Test
    void ownCpuLeavesChildrenOutAndTheWholeTreeTakesThemIn() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        Optional<Duration> ownBefore = CpuTime.ownOf(self);
        Optional<Duration> treeBefore = CpuTime.of(self);
        if (ownBefore.isEmpty() || treeBefore.isEmpty()) {
            return; // not Linux: nothing to read
        }
        Process busy = new ProcessBuilder("timeout", "1", "sh", "-c", "while :; do :; done").start();
        assertTrue(busy.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        Duration tree = CpuTime.of(self).orElseThrow().minus(treeBefore.get());
        Duration own = CpuTime.ownOf(self).orElseThrow().minus(ownBefore.get());
        Duration child = tree.minus(own);
        assertTrue(child.compareTo(Duration.ofMillis(200)) >= 0, "the child's CPU: " + child + " (own " + own + ")");
        assertTrue(own.compareTo(child) < 0, "own " + own + " against the child's " + child);
    }

    @Test
    void theMachinesIdleTimeIsIdlePlusIowaitAndStealIsBusy() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] t = CpuTime.parseMachine("cpu  3303703 14643 547626 4654388 4648 0 126429 29270 0 0").orElseThrow();
        assertEquals(3303703L + 14643 + 547626 + 126429 + 29270, t[0]);
        assertEquals(4654388L + 4648, t[1]);
        assertEquals(Optional.empty(), CpuTime.parseMachine("cpu0 1 2 3 4 5 6 7 8 9 10"));
        assertEquals(Optional.empty(), CpuTime.parseMachine("cpu 1 2 3"));
        assertEquals(Optional.empty(), CpuTime.parseMachine("cpu 1 2 x 4 5 6 7 8"));
        CpuTime.machine().ifPresent(m -> assertTrue(m[0] > 0 && m[1] >= 0, m[0] + " " + m[1]));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String odd = STAT.replace("(3proxy)", "(a) b (c) 7)");
        assertEquals(Optional.of(1234L + 567 + 8 + 9), CpuTime.parseStatTicks(odd));
    }

    @Test
    void somethingElseIsNoCpuTime() {
        assertEquals(Optional.empty(), CpuTime.parseStatTicks(""));
        assertEquals(Optional.empty(), CpuTime.parseStatTicks("5274 (3proxy) S 5270 5274"));
        assertEquals(Optional.empty(), CpuTime.parseStatTicks(STAT.replace(" 1234 ", " x ")));
    }

    @Test
    void hotSpotCompilerThreadsAreToldApartByTheirCutName() {
        assertTrue(CpuTime.isCompilerThread(STAT.replace("(3proxy)", "(C2 CompilerThre)")));
        assertTrue(CpuTime.isCompilerThread(STAT.replace("(3proxy)", "(C1 CompilerThre)")));
        assertFalse(CpuTime.isCompilerThread(STAT));
        assertFalse(CpuTime.isCompilerThread(STAT.replace("(3proxy)", "(socks5d-io-1-1)")));
        assertFalse(CpuTime.isCompilerThread(""));
    }

    @Test
    void aCompilerThreadCountsItsOwnTimeNotItsProcesssReapedChildren() {
        String c2 = STAT.replace("(3proxy)", "(C2 CompilerThre)");
        assertEquals(Optional.of(1234L + 567), CpuTime.compilerTicks(c2));
        assertEquals(Optional.empty(), CpuTime.compilerTicks(STAT));
    }

    @Test
    void thisJvmsCompilerThreadsAreReadOnLinuxAndAreAPartOfItsCpu() {
        Optional<Duration> total = CpuTime.of(ProcessHandle.current());
        Optional<Duration> compiler = CpuTime.compilerOf(ProcessHandle.current());
        assertEquals(total.isPresent(), compiler.isPresent());
        if (compiler.isPresent()) {
            // read after the total: a little more compiling may have happened in between, never a tick's worth
            assertTrue(compiler.get().compareTo(total.get().plusMillis(100)) <= 0, compiler + " of " + total);
            assertFalse(compiler.get().isNegative());
        }
    }

    @Test
    void ticksAreInUserHz() {
        assertEquals(Duration.ofMillis(18_180), CpuTime.toDuration(1818, 100));
        assertEquals(Duration.ofNanos(1_001_000_000), CpuTime.toDuration(1001, 1000));
        assertEquals(Optional.of(100L), CpuTime.parseClockTicks("100\n"));
        assertEquals(Optional.empty(), CpuTime.parseClockTicks("undefined\n"));
        assertEquals(Optional.empty(), CpuTime.parseClockTicks("0"));
    }

    @Test
    void recordsTheCpuBetweenTheSamplesOnlyWhenBothExist() {
        Map<String, Object> m = new HashMap<>();
        CpuTime.record(m, Optional.of(Duration.ofMillis(1500)), Optional.of(Duration.ofMillis(4000)));
        assertEquals(2.5, (Double) m.get(CpuTime.CPU_SECONDS), 1e-9);
        Map<String, Object> direct = new HashMap<>();
        CpuTime.record(direct, Optional.empty(), Optional.empty());
        CpuTime.record(direct, Optional.of(Duration.ZERO), Optional.empty());
        assertTrue(direct.isEmpty(), direct.toString());
    }

    @Test
    void downloadsGetSecondsPerGigabyteAndTransactionsMillisecondsEach() {
        Map<String, Object> t8 = new HashMap<>(Map.of("bytes", 4_000_000_000L, CpuTime.CPU_SECONDS, 6.0));
        CpuTime.addPerUnit(Scenario.T8, t8);
        assertEquals(1.5, (Double) t8.get(CpuTime.CPU_SECONDS_PER_GB), 1e-9);
        assertFalse(t8.containsKey(CpuTime.CPU_MS_PER_TX));

        Map<String, Object> c = new HashMap<>(Map.of("ok", 2_000, "errors", 5L, CpuTime.CPU_SECONDS, 2.4));
        CpuTime.addPerUnit(Scenario.C, c);
        assertEquals(1.2, (Double) c.get(CpuTime.CPU_MS_PER_TX), 1e-9);
    }

    @Test
    void noPerUnitFigureWithoutCpuOrUnits() {
        Map<String, Object> direct = new HashMap<>(Map.of("bytes", 1_000_000_000L));
        CpuTime.addPerUnit(Scenario.T1, direct);
        assertEquals(Map.of("bytes", 1_000_000_000L), direct);

        Map<String, Object> allFailed = new HashMap<>(Map.of("ok", 0, CpuTime.CPU_SECONDS, 0.3));
        CpuTime.addPerUnit(Scenario.C, allFailed);
        assertFalse(allFailed.containsKey(CpuTime.CPU_MS_PER_TX));

        Map<String, Object> held = new HashMap<>(Map.of("survived", 10, CpuTime.CPU_SECONDS, 0.3));
        CpuTime.addPerUnit(Scenario.H, held);
        assertEquals(2, held.size());
    }
}
