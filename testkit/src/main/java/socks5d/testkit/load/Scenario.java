package socks5d.testkit.load;

import java.util.Locale;

/**
 * The benchmark scenarios (README, Performance), with their full-scale sizes; {@code --scale}
 * multiplies the sizes (and the hold time of H).
 *
 * <p>Immutable.
 */
public enum Scenario {
    /** One connection downloading 2 GiB from the source target; MB/s. */
    T1("one stream download", "MBps"),
    /** Eight connections downloading 512 MiB each; aggregate MB/s. */
    T8("eight stream download", "MBps"),
    /** Connect, greeting, RFC 1929 auth, CONNECT, 64 B echo, close; transactions/s and latency. */
    C("connection rate", "txPerSec"),
    /** Thousands of concurrent connections held, echoing at start and end; survivors and resident memory. */
    H("held connections", "survived"),
    /** UDP echo: 512-octet request/response datagrams, 64 in flight; round trips per second and loss. */
    U("udp echo", "datagramsPerSec");

    private final String description;
    private final String headline;

    Scenario(String description, String headline) {
        this.description = description;
        this.headline = headline;
    }

    public String description() {
        return description;
    }

    /** The metric compared across targets. */
    public String headline() {
        return headline;
    }

    /** Parses "t1", "T8", ... */
    public static Scenario parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
