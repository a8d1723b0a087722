package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy of several processes, as Dante is: a peer whose start script forks two {@code sleep}s and then
 * becomes {@link MiniSocksPeer}. Its memory is summed over all three, and closing it stops all three.
 */
@EnabledOnOs(OS.LINUX)
class ProxyProcessIT {

    @Test
    @Timeout(60)
    void sumsMemoryOverDescendantsAndStopsThemOnClose(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("forking-peer.sh");
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.writeString(script, "#!/bin/sh\nsleep 300 &\nsleep 300 &\nexec '" + java + "' -Xmx64m -cp '"
                + System.getProperty("java.class.path") + "' " + MiniSocksPeer.class.getName() + " \"$@\"\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        List<ProcessHandle> sleeps;
        try (ProxyProcess p = ProxyProcess.peer("forking", script + " {port} {user} {pass}", Duration.ofSeconds(30))) {
            sleeps = ProcessHandle.of(p.pid()).orElseThrow().descendants().toList();
            assertEquals(2, sleeps.size(), sleeps.toString());
            // VmHWM never falls, so peaks read before the sample are a lower bound for it
            long peaks = hwm(p.pid()) + hwm(sleeps.get(0).pid()) + hwm(sleeps.get(1).pid());
            ProxyProcess.Memory all = p.memory().orElseThrow();
            assertTrue(all.vmHwmKiB() >= peaks, all + " < " + peaks);
        }
        for (ProcessHandle s : sleeps) {
            assertFalse(s.isAlive() && s.info().command().orElse("").endsWith("sleep"), s + " survived");
        }
    }

    @Test
    @Timeout(60)
    void resetsThePeakToThePresentSizeSoHMeasuresOnlyTheHold(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("peaking-peer.sh");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Files.writeString(script, "#!/bin/sh\n'" + java + "' -Xmx16m -XX:MaxDirectMemorySize=128m -cp '" + cp + "' "
                + PeakThenIdle.class.getName() + " >/dev/null &\n"
                + "exec '" + java + "' -Xmx64m -cp '" + cp + "' " + MiniSocksPeer.class.getName() + " \"$@\"\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (ProxyProcess p = ProxyProcess.peer("peaking", script + " {port} {user} {pass}", Duration.ofSeconds(30))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            ProxyProcess.Memory before = p.memory().orElseThrow();
            while (before.vmHwmKiB() - before.vmRssKiB() < 32 * 1024 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                before = p.memory().orElseThrow();
            }
            assertTrue(before.vmHwmKiB() - before.vmRssKiB() >= 32 * 1024, "the child peaked 64 MiB: " + before);
            assertTrue(p.resetPeakMemory(), "own processes' peaks can be reset");
            ProxyProcess.Memory after = p.memory().orElseThrow();
            assertTrue(after.vmHwmKiB() - after.vmRssKiB() < 8 * 1024, "peak back at the present size: " + after);
        }
    }

    private static long hwm(long pid) throws IOException {
        return ProxyProcess.parseStatus(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.ISO_8859_1)).orElseThrow().vmHwmKiB();
    }
}
