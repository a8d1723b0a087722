package socks5d.management.mcp.wire;

/**
 * The GET_METRICS response payload (docs/protocols/mcp.md, GET_METRICS): six uint64, big endian, in
 * this order.
 *
 * <pre>
 *   +------------+---------+-------------+------------+--------+--------------+
 *   | HISTORIC   | CURRENT | TRANSFERRED | SUCCESSFUL | FAILED | CLIENT_BYTES |
 *   +------------+---------+-------------+------------+--------+--------------+
 *   |     8      |    8    |      8      |     8      |   8    |      8       |
 *   +------------+---------+-------------+------------+--------+--------------+
 * </pre>
 *
 * Counters never go negative (docs/operations.md, Metrics); a negative value is refused so that it
 * cannot be sent as a huge unsigned number.
 */
public record McpMetrics(long historicConnections, long currentConnections, long bytesTransferred,
                         long successfulConnections, long failedConnections, long clientBytes) {
    /** Six uint64 fields. */
    public static final int LENGTH = 6 * Long.BYTES;

    public McpMetrics {
        for (long v : new long[] {historicConnections, currentConnections, bytesTransferred,
                successfulConnections, failedConnections, clientBytes}) {
            if (v < 0) {
                throw new IllegalArgumentException("counters are never negative: " + v);
            }
        }
    }
}
