package socks5d.proxy;

/**
 * The exit statuses of {@code socks5d} (docs/operations.md, Exit codes), in one place for {@link Main}
 * and {@link Socks5d#whenStopped}. Statuses the JVM or a signal sets (3, 130, 143) are not socks5d's
 * to choose and are not listed.
 */
public enum ExitCode {
    /** {@code -h} or {@code -v}, or a clean stop after a signal. */
    OK(0),
    /** Start failed (a port in use, an unreadable user file, a {@code -u} user not stored), or the user directory stopped while running. */
    FAILED(1),
    /** A bad flag or value: one {@code socks5d: ...} line and the usage on standard error. */
    USAGE(2);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }
}
