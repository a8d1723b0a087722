package socks5d.management;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import com.typesafe.config.Config;

import socks5d.management.limits.LoginThrottle;

/**
 * Settings of the three management listeners (docs/protocols/), read once from
 * {@code socks5d.management} in {@code reference.conf} (flags -L, -P, --mass-port, --pctp-port are
 * shortcuts for these keys). A port of 0 disables that listener. Immutable; invalid values fail at
 * construction.
 *
 * @param listenAddress address all three listeners bind to ({@code listen-address}, flag -L)
 * @param askTimeout    how long a server waits for a state actor's answer ({@code ask-timeout})
 * @param mcp           {@code socks5d.management.mcp}
 * @param mass          {@code socks5d.management.mass}
 * @param pctp          {@code socks5d.management.pctp}
 * @param loginThrottle  {@code socks5d.management.login-throttle}: slows and stops password guessing per address
 * @param maxConnections sessions each listener serves at once; more are closed at once
 *                       ({@code max-connections}), so idle admin connections cannot use up descriptors
 * @param firstRequestTimeout a connection that has not completed its first request (an MCP frame, a
 *                       PCTP line, an HTTP request) by then is closed ({@code first-request-timeout})
 */
public record ManagementSettings(String listenAddress, Duration askTimeout, Mcp mcp, Mass mass, Pctp pctp,
                                 int maxConnections, LoginThrottle.Settings loginThrottle,
                                 Duration firstRequestTimeout) {
    public static final Duration DEFAULT_FIRST_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** The settings with the default first-request timeout. */
    public ManagementSettings(String listenAddress, Duration askTimeout, Mcp mcp, Mass mass, Pctp pctp,
                              int maxConnections, LoginThrottle.Settings loginThrottle) {
        this(listenAddress, askTimeout, mcp, mass, pctp, maxConnections, loginThrottle, DEFAULT_FIRST_REQUEST_TIMEOUT);
    }

    /** The settings with the default of 16 sessions per listener. */
    public ManagementSettings(String listenAddress, Duration askTimeout, Mcp mcp, Mass mass, Pctp pctp) {
        this(listenAddress, askTimeout, mcp, mass, pctp, DEFAULT_MAX_CONNECTIONS);
    }

    /** The settings with the default login throttle ({@link LoginThrottle.Settings#DEFAULT}). */
    public ManagementSettings(String listenAddress, Duration askTimeout, Mcp mcp, Mass mass, Pctp pctp,
                              int maxConnections) {
        this(listenAddress, askTimeout, mcp, mass, pctp, maxConnections, LoginThrottle.Settings.DEFAULT);
    }

    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    /**
     * @param port        MCP port; 0 disables it
     * @param idleTimeout idle connections are closed after this long; empty keeps them forever
     */
    public record Mcp(int port, Optional<Duration> idleTimeout) {
        public Mcp {
            requirePort("mcp.port", port);
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }

        public boolean enabled() {
            return port != 0;
        }
    }

    /**
     * @param port           MASS port; 0 disables it
     * @param allowNoAuth    whether a client may choose method 0x00 (no authentication)
     * @param sessionTimeout a session that has not finished its one request by then is closed
     */
    public record Mass(int port, boolean allowNoAuth, Duration sessionTimeout) {
        public Mass {
            requirePort("mass.port", port);
            requirePositive("mass.session-timeout", sessionTimeout);
        }

        public boolean enabled() {
            return port != 0;
        }
    }

    /**
     * @param port        PCTP port; 0 disables it
     * @param maxLine     longest accepted line in bytes, terminator excluded
     * @param idleTimeout idle sessions are closed after this long; empty keeps them forever
     */
    public record Pctp(int port, int maxLine, Optional<Duration> idleTimeout) {
        public Pctp {
            requirePort("pctp.port", port);
            if (maxLine < 1) {
                throw new IllegalArgumentException("socks5d.management.pctp.max-line must be at least 1");
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }

        public boolean enabled() {
            return port != 0;
        }
    }

    public ManagementSettings {
        Objects.requireNonNull(listenAddress, "listenAddress");
        requirePositive("ask-timeout", askTimeout);
        Objects.requireNonNull(mcp, "mcp");
        Objects.requireNonNull(mass, "mass");
        Objects.requireNonNull(pctp, "pctp");
        Objects.requireNonNull(loginThrottle, "loginThrottle");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("socks5d.management.max-connections must be at least 1");
        }
        requirePositive("first-request-timeout", firstRequestTimeout);
    }

    /** Reads {@code socks5d.management.*} from a resolved config (flags and --config already layered in). */
    public static ManagementSettings fromConfig(Config root) {
        Config c = root.getConfig("socks5d.management");
        ListenAddress.check("socks5d.management.listen-address (flag -L)", c.getString("listen-address"));
        return new ManagementSettings(
                c.getString("listen-address"),
                c.getDuration("ask-timeout"),
                new Mcp(c.getInt("mcp.port"), OptionalSetting.duration(root, "socks5d.management.mcp.idle-timeout")),
                new Mass(c.getInt("mass.port"), c.getBoolean("mass.allow-no-auth"),
                        c.getDuration("mass.session-timeout")),
                new Pctp(c.getInt("pctp.port"), c.getInt("pctp.max-line"), OptionalSetting.duration(root, "socks5d.management.pctp.idle-timeout")),
                c.getInt("max-connections"),
                LoginThrottle.Settings.fromConfig(root),
                c.getDuration("first-request-timeout"));
    }

    private static void requirePort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("socks5d.management." + key + " must be 0 to 65535, was " + port);
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("socks5d.management." + key + " must be a positive duration");
        }
    }
}
