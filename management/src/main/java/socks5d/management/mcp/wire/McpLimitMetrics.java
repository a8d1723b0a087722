package socks5d.management.mcp.wire;

/**
 * The GET_LIMIT_METRICS response payload (docs/protocols/mcp.md, GET_LIMIT_METRICS, socks5d's
 * extension): five uint64, big endian, in this order (docs/operations.md, Limits).
 *
 * <pre>
 *   +--------------------+--------------+---------------+-----------------+----------------+
 *   | REFUSED_ADDR_CONC  | REFUSED_RATE | REFUSED_USER  | LOGINS_THROTTLED| SESSIONS_SHAPED|
 *   +--------------------+--------------+---------------+-----------------+----------------+
 *   |         8          |      8       |       8       |        8        |       8        |
 *   +--------------------+--------------+---------------+-----------------+----------------+
 * </pre>
 */
public record McpLimitMetrics(long refusedAddressConcurrency, long refusedAddressRate, long refusedUserSessions,
                              long loginsThrottled, long sessionsShaped) {
    /** Five uint64 fields. */
    public static final int LENGTH = 5 * Long.BYTES;

    public McpLimitMetrics {
        for (long v : values(refusedAddressConcurrency, refusedAddressRate, refusedUserSessions, loginsThrottled,
                sessionsShaped)) {
            if (v < 0) {
                throw new IllegalArgumentException("counters are never negative: " + v);
            }
        }
    }

    long[] values() {
        return values(refusedAddressConcurrency, refusedAddressRate, refusedUserSessions, loginsThrottled,
                sessionsShaped);
    }

    private static long[] values(long... v) {
        return v;
    }
}
