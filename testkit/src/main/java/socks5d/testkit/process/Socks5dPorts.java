package socks5d.testkit.process;

import java.io.IOException;
import java.util.List;

/**
 * The listening ports of a socks5d child process and the flags that put them on loopback
 * (README.md, Command line): SOCKS, then the MCP, MASS, PCTP and HTTP admin listeners, where 0 turns a
 * management listener off. Immutable.
 *
 * @param socks the SOCKS port ({@code -p})
 * @param mcp   the MCP port ({@code -P}), 0 for none
 * @param mass  the MASS port ({@code --mass-port}), 0 for none
 * @param pctp  the PCTP port ({@code --pctp-port}), 0 for none
 * @param http  the HTTP admin port ({@code --http-port}), 0 for none
 */
public record Socks5dPorts(int socks, int mcp, int mass, int pctp, int http) {
    private static final String LOOPBACK = "127.0.0.1";

    /** Different free ports for SOCKS and every management listener, HTTP admin included. */
    public static Socks5dPorts allFree() throws IOException {
        return allFrom(ChildProcess.freePorts(5), 0);
    }

    /**
     * The five ports from {@code free[from]} on: for several processes whose ports are chosen by one
     * {@link ChildProcess#freePorts(int)} call, so that none of them collides with another's.
     */
    public static Socks5dPorts allFrom(int[] free, int from) {
        return new Socks5dPorts(free[from], free[from + 1], free[from + 2], free[from + 3], free[from + 4]);
    }

    /** Free ports for SOCKS, MCP, MASS and PCTP; no HTTP admin. */
    public static Socks5dPorts freeWithoutHttp() throws IOException {
        int[] p = ChildProcess.freePorts(4);
        return new Socks5dPorts(p[0], p[1], p[2], p[3], 0);
    }

    /** {@code socks} for SOCKS and no management listener at all. */
    public static Socks5dPorts socksOnly(int socks) {
        return new Socks5dPorts(socks, 0, 0, 0, 0);
    }

    /**
     * {@code -l 127.0.0.1 -p SOCKS -L 127.0.0.1 -P MCP --mass-port MASS --pctp-port PCTP --http-port HTTP}:
     * every listener on loopback.
     */
    public List<String> flags() {
        return List.of("-l", LOOPBACK, "-p", Integer.toString(socks), "-L", LOOPBACK,
                "-P", Integer.toString(mcp), "--mass-port", Integer.toString(mass),
                "--pctp-port", Integer.toString(pctp), "--http-port", Integer.toString(http));
    }
}
