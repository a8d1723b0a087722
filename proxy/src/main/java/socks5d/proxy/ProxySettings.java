package socks5d.proxy;

import java.time.Duration;

import com.typesafe.config.Config;

import socks5d.management.ListenAddress;
import socks5d.management.OptionalSetting;

import socks5d.proxy.connect.Resolver;
import socks5d.proxy.relay.RelayMemory;
import socks5d.proxy.relay.UdpRelay;
import socks5d.proxy.rules.Ruleset;

/**
 * The proxy's settings, read once from {@code socks5d.proxy} at start and validated there, so a
 * bad value stops the server before it binds (docs/operations.md, Exit codes). Immutable.
 */
public record ProxySettings(String listenAddress, int port, int backlog, int maxClients,
                            Duration handshakeTimeout, Duration connectTimeout, Duration idleTimeout,
                            Duration resolveTimeout, Duration metricsFlushInterval, Duration shutdownGrace,
                            int dissectorInspectBytes, long relayMemory, Ruleset.Settings rules,
                            String transport, int eventLoops, int readSize, long spliceAfter, int hashingQueue,
                            Resolver.Settings dns, Duration bindTimeout, UdpRelay.Settings udp,
                            int hashingThreads, Limits limits) {
    /**
     * {@code socks5d.proxy.limits} (docs/operations.md, Limits).
     *
     * @param addressConnections   connections open at once per client address (IPv6: per /64), 0 no limit
     * @param addressNewPerSecond  new connections a second per client address, 0 no limit
     * @param exemptLoopback       whether clients on a loopback address are left out of the per-address limits
     * @param userSessions         sessions open at once per user unless the user has its own, 0 no limit
     * @param userBandwidth        bytes a second per direction per user unless the user has its own, 0 no limit
     * @param userBurst            bytes a user's bandwidth bucket holds when full
     */
    public record Limits(int addressConnections, int addressNewPerSecond, boolean exemptLoopback,
                         int userSessions, long userBandwidth, long userBurst) {
        public Limits {
            if (addressConnections < 0 || addressNewPerSecond < 0 || userSessions < 0 || userBandwidth < 0) {
                throw new IllegalArgumentException("socks5d.proxy.limits: a limit must be 0 (none) or more");
            }
            if (userBurst < 1) {
                throw new IllegalArgumentException("socks5d.proxy.limits.per-user.burst must be at least 1 byte");
            }
        }

        static Limits fromConfig(Config c) {
            return new Limits(c.getInt("per-address.max-connections"), c.getInt("per-address.new-per-second"),
                    c.getBoolean("per-address.exempt-loopback"), c.getInt("per-user.max-sessions"),
                    c.getBytes("per-user.bandwidth"), c.getBytes("per-user.burst"));
        }
    }

    public ProxySettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("socks5d.proxy.port must be 0..65535, was " + port);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("socks5d.proxy.backlog must be at least 1");
        }
        if (maxClients < 0) {
            throw new IllegalArgumentException("socks5d.proxy.max-clients must be 0 (no limit) or more");
        }
        requirePositive("handshake-timeout", handshakeTimeout);
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("resolve-timeout", resolveTimeout);
        requirePositive("metrics-flush-interval", metricsFlushInterval);
        requireNonNegative("idle-timeout", idleTimeout);
        requirePositive("bind-timeout", bindTimeout);
        requireNonNegative("shutdown-grace", shutdownGrace);
        if (relayMemory <= 0) {
            throw new IllegalArgumentException("socks5d.proxy.relay-memory must be positive or auto");
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("socks5d.proxy.event-loops must be 0 (one per core) or more");
        }
        if (readSize < 64) {
            throw new IllegalArgumentException("socks5d.proxy.relay.read-size must be at least 64 bytes");
        }
        if (spliceAfter < 0) {
            throw new IllegalArgumentException("socks5d.proxy.relay.splice-after must be a size, 0 or off");
        }
        if (hashingThreads < 0) {
            throw new IllegalArgumentException("socks5d.proxy.hashing-threads must be 0 (half the cores) or more");
        }
        if (hashingQueue < 1) {
            throw new IllegalArgumentException("socks5d.proxy.hashing-queue must be at least 1");
        }
        if (dissectorInspectBytes < 0) {
            throw new IllegalArgumentException("socks5d.proxy.dissectors.inspect-bytes must be 0 or more");
        }
    }

    /** 0 is meaningful (idle timeout off, no drain), a negative duration is not. */
    private static void requireNonNegative(String key, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("socks5d.proxy." + key + " must be 0 or more");
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("socks5d.proxy." + key + " must be positive");
        }
    }

    public static ProxySettings fromConfig(Config root) {
        Config c = root.getConfig("socks5d.proxy");
        ListenAddress.check("socks5d.proxy.listen-address (flag -l)", c.getString("listen-address"));
        return new ProxySettings(
                c.getString("listen-address"),
                c.getInt("port"),
                c.getInt("backlog"),
                c.getInt("max-clients"),
                c.getDuration("handshake-timeout"),
                c.getDuration("connect-timeout"),
                OptionalSetting.duration(root, "socks5d.proxy.idle-timeout").orElse(Duration.ZERO),
                c.getDuration("resolve-timeout"),
                c.getDuration("metrics-flush-interval"),
                c.getDuration("shutdown-grace"),
                (int) Math.min(Integer.MAX_VALUE, c.getBytes("dissectors.inspect-bytes")),
                relayMemory(c),
                Ruleset.Settings.fromConfig(c.getConfig("rules")),
                c.getString("transport"),
                c.getInt("event-loops"),
                (int) Math.min(Integer.MAX_VALUE, c.getBytes("relay.read-size")),
                OptionalSetting.bytes(root, "socks5d.proxy.relay.splice-after").orElse(0),
                c.getInt("hashing-queue"),
                new Resolver.Settings(
                        c.getStringList("dns.nameservers").stream().map(Resolver::nameserver).toList(),
                        c.getString("dns.hosts-file"),
                        c.getDuration("resolve-timeout")),
                c.getDuration("bind-timeout"),
                new UdpRelay.Settings(
                        c.getInt("udp.max-associations"),
                        (int) Math.min(Integer.MAX_VALUE, c.getBytes("udp.max-datagram")),
                        OptionalSetting.duration(root, "socks5d.proxy.udp.idle-timeout").orElse(Duration.ZERO)),
                c.getInt("hashing-threads"),
                Limits.fromConfig(c.getConfig("limits")));
    }

    /** {@code auto}: a quarter of the direct memory limit (the relay's buffers are direct); otherwise a size. */
    private static long relayMemory(Config c) {
        return "auto".equalsIgnoreCase(c.getString("relay-memory"))
                ? RelayMemory.maxDirectMemory() / 4 : c.getBytes("relay-memory");
    }
}
