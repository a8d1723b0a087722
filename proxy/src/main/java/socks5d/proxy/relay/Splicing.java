package socks5d.proxy.relay;

/**
 * When a relayed session moves from copying to splice(2) ({@code socks5d.proxy.relay.splice-after},
 * docs/design.md, Splicing) and where the descriptors of its pipes come from.
 *
 * @param after       bytes a session relays, both directions together, before it is spliced
 * @param descriptors the server's descriptor budget, which the pipes' descriptors are taken from
 */
public record Splicing(long after, Descriptors descriptors) {
    public Splicing {
        if (after < 1) {
            throw new IllegalArgumentException("splice-after must be at least 1 byte");
        }
    }

    /** A budget of open descriptors; thread-safe. */
    public interface Descriptors {
        /** Takes {@code n} descriptors, or returns {@code false} if the budget has not that many left. */
        boolean tryTake(int n);

        /** Gives back {@code n} descriptors taken with {@link #tryTake}. */
        void giveBack(int n);
    }
}
