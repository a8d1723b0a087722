package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tests of the {@code socks5d} command line (README, Command line; docs/operations.md, Exit codes):
 * help and version exit 0, a bad flag or value prints one line and the usage on standard error and
 * exits 2, a port in use exits 1. Run in-process through
 * {@link Main#run(PrintWriter, PrintWriter, String...)}.
 */
final class MainTest {
    /** Every flag of the README's command line table. */
    static final List<String> FLAGS = List.of("-h", "-v", "-l", "-p", "-L", "-P", "--mass-port", "--pctp-port",
            "--http-port", "--log-format", "-u", "-N", "--data-dir", "--config", "--cluster-host", "--cluster-port",
            "--seed-nodes", "--cluster-name");

    /** Exit status and what went to standard output and standard error. */
    record Outcome(int status, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(status, out.toString(), err.toString());
    }

    /**
     * docs/operations.md, Exit codes: one clear line naming the problem, then the usage, on
     * standard error; exit 2.
     */
    static void assertBadUsage(String mention, String... args) {
        Outcome o = run(args);
        assertEquals(ExitCode.USAGE.code(), o.status(), String.join(" ", args));
        String[] lines = o.err().split("\\R");
        assertTrue(lines[0].startsWith("socks5d: "), o.err());
        assertTrue(lines[0].contains(mention), lines[0]);
        assertTrue(lines[1].startsWith("Usage: socks5d"), o.err());
        assertEquals("", o.out());
    }

    @Test
    void helpExitsZeroAndListsEveryFlag() {
        Outcome o = run("-h");
        assertEquals(0, o.status());
        assertTrue(o.out().startsWith("Usage: socks5d"), o.out());
        for (String flag : FLAGS) {
            assertTrue(o.out().contains(flag), flag + " missing from\n" + o.out());
        }
        assertEquals("", o.err());
    }

    @Test
    void versionExitsZeroAndNamesTheProgram() {
        Outcome o = run("-v");
        assertEquals(0, o.status());
        assertTrue(o.out().startsWith("socks5d "), o.out());
    }

    /** A refused command line: what it shows, what the one error line must mention, and the flags. */
    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of("an unknown flag", "--nope", List.of("--nope")),
                Arguments.of("a SOCKS port above 65535", "70000", List.of("-p", "70000")),
                Arguments.of("a negative MCP port", "-1", List.of("-P", "-1")),
                Arguments.of("a MASS port above 65535", "65536", List.of("--mass-port", "65536")),
                Arguments.of("a port that is no number", "abc", List.of("-p", "abc")),
                Arguments.of("a user without colon", "USER:PASS", List.of("-u", "nocolon")),
                Arguments.of("an empty user name", "1 to 255", List.of("-u", ":x")),
                Arguments.of("an empty password", "1 to 255", List.of("-u", "x:")),
                Arguments.of("a missing config file", "/nonexistent", List.of("--config", "/nonexistent")),
                Arguments.of("a SOCKS address that is no IPv4 address", "[999.1.1.1]", List.of("-l", "999.1.1.1")),
                Arguments.of("a SOCKS address of three numbers", "-l", List.of("-l", "10.1.2")),
                Arguments.of("a management address that is no IPv6 address", "not an IPv6 address", List.of("-L", "1:2:3")),
                Arguments.of("an empty management address", "-L", List.of("-L", "")));
    }

    @ParameterizedTest(name = "{0} exits 2")
    @MethodSource("badCommandLines")
    void badCommandLineExitsTwo(String what, String mention, List<String> args) {
        assertBadUsage(mention, args.toArray(String[]::new));
    }

    @Test
    void badValueInConfigFileExitsTwo(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.conf"), "socks5d.proxy.max-clients = -1\n");
        assertBadUsage("max-clients", "--config", bad.toString());
        Path broken = Files.writeString(tmp.resolve("broken.conf"), "socks5d.proxy.handshake-timeout = soon\n");
        assertBadUsage("handshake-timeout", "--config", broken.toString());
    }

    @Test
    void portInUseExitsOne(@TempDir Path dataDir) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String port = Integer.toString(taken.getLocalPort());
            int status = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Main.run(
                    "-l", "127.0.0.1", "-p", port, "-P", "0", "--mass-port", "0", "--pctp-port", "0", "--http-port", "0",
                    "--data-dir", dataDir.toString()));
            assertEquals(ExitCode.FAILED.code(), status);
        }
    }

    @Test
    void aStartFailureWithoutMessageIsNamedByItsClass() {
        assertEquals("java.nio.channels.UnresolvedAddressException",
                Main.describe(new java.nio.channels.UnresolvedAddressException()));
        assertEquals("address already in use (Bind failed)",
                Main.describe(new RuntimeException("Bind failed", new java.net.BindException("Address already in use"))));
    }

    @Test
    void corruptUserFileStopsTheServerAndLeavesTheFileAlone(@TempDir Path dataDir) throws Exception {
        Path users = Files.writeString(dataDir.resolve("users.db"), "not a user file\n");
        int status = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Main.run(
                "-l", "127.0.0.1", "-p", "0", "-P", "0", "--mass-port", "0", "--pctp-port", "0", "--http-port", "0",
                "--data-dir", dataDir.toString()));
        assertEquals(ExitCode.FAILED.code(), status);
        assertEquals("not a user file\n", Files.readString(users), "the users on disk are never overwritten");
    }
}
