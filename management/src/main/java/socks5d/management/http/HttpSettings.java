package socks5d.management.http;

import java.time.Duration;
import java.util.Objects;

import com.typesafe.config.Config;

import socks5d.management.limits.LoginThrottle;

/**
 * Settings of the HTTP admin listener (docs/operations.md, HTTP admin endpoint), read from
 * {@code socks5d.management.http} and the management keys it shares with MCP, MASS and PCTP
 * (listen address, ask timeout, max connections). Immutable; invalid values fail at construction.
 *
 * @param listenAddress  {@code socks5d.management.listen-address} (flag -L)
 * @param port           {@code http.port} (flag --http-port); 0 disables the listener
 * @param askTimeout     {@code socks5d.management.ask-timeout}
 * @param maxConnections {@code socks5d.management.max-connections}: more are closed at once
 * @param logLines       {@code http.log-lines}: access-log sessions the status page shows
 * @param loginThrottle  {@code socks5d.management.login-throttle}: ADMIN logins to the page, as on MASS and PCTP
 * @param firstRequestTimeout {@code socks5d.management.first-request-timeout}: the first request must be
 *                       complete by then
 */
public record HttpSettings(String listenAddress, int port, Duration askTimeout, int maxConnections, int logLines,
                           LoginThrottle.Settings loginThrottle, Duration firstRequestTimeout) {
    public HttpSettings {
        Objects.requireNonNull(firstRequestTimeout, "firstRequestTimeout");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(loginThrottle, "loginThrottle");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("socks5d.management.http.port must be 0 to 65535, was " + port);
        }
        if (askTimeout == null || askTimeout.isNegative() || askTimeout.isZero()) {
            throw new IllegalArgumentException("socks5d.management.ask-timeout must be a positive duration");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("socks5d.management.max-connections must be at least 1");
        }
        if (logLines < 0 || logLines > 1000) {
            throw new IllegalArgumentException("socks5d.management.http.log-lines must be 0 to 1000, was " + logLines);
        }
    }

    public boolean enabled() {
        return port != 0;
    }

    public static HttpSettings fromConfig(Config root) {
        Config c = root.getConfig("socks5d.management");
        return new HttpSettings(c.getString("listen-address"), c.getInt("http.port"), c.getDuration("ask-timeout"),
                c.getInt("max-connections"), c.getInt("http.log-lines"), LoginThrottle.Settings.fromConfig(root),
                c.getDuration("first-request-timeout"));
    }
}
