package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/socks5d} (README "Running for large loads") starts the built jar with its JVM limits:
 * the JVM accepts every flag and passes the arguments on, and SOCKS5D_JAVA_OPTS reaches the JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "socks5d").toAbsolutePath().normalize();

    @Test
    void startsTheJarWithItsJvmFlagsAndPassesArgumentsOn() throws Exception {
        Process p = launch("");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("socks5d "), out);
        assertFalse(out.contains("warning"), "no JVM warning about the flags: " + out);
    }

    @Test
    void extraJvmFlagsReachTheJvm() throws Exception {
        Process p = launch("-XX:+PrintFlagsFinal");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*bool UseSerialGC\\s+= true.*")), "Serial GC on");
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*bool TieredCompilation\\s+= false.*")), "C2 only");
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*size_t MaxNewSize\\s+= 8388608.*")), "8 MiB young generation");
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*uint64_t MaxDirectMemorySize\\s+= 4294967296.*")),
                "4 GiB of direct memory");
    }

    @Test
    void printsItsJvmFlagsForTheBenchmark() throws Exception {
        Process p = new ProcessBuilder("bash", LAUNCHER.toString(), "--print-jvm-flags").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("\n"), "one line: " + out);
        assertTrue(out.contains("-XX:MaxDirectMemorySize=4g") && out.contains("-XX:+UseSerialGC"), out);
    }

    private static Process launch(String javaOpts) throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is executable");
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "-v").redirectErrorStream(true);
        pb.environment().put("SOCKS5D_JAR", Path.of("target", "socks5d.jar").toAbsolutePath().toString());
        pb.environment().put("SOCKS5D_JAVA_OPTS", javaOpts);
        return pb.start();
    }
}
