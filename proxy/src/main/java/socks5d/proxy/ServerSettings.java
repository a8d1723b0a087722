package socks5d.proxy;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.typesafe.config.Config;

import socks5d.management.ManagementSettings;
import socks5d.management.StateActors;
import socks5d.management.cluster.ClusterSettings;
import socks5d.management.http.HttpSettings;

/**
 * Everything socks5d reads from its configuration, read once at start by {@link #fromConfig} and
 * validated there, so a bad value stops the server before anything binds (exit 2, docs/operations.md,
 * Exit codes). {@link Main} builds it from the flags; {@link Socks5d} and the servers receive its
 * parts, never a {@link Config}. Immutable.
 *
 * @param pekko      the whole configuration, for the keys Pekko itself reads (the actor system's);
 *                   socks5d's own keys are read only into the records below
 * @param proxy      {@code socks5d.proxy}: the SOCKS listener and data plane
 * @param management {@code socks5d.management}: the MCP, MASS and PCTP listeners, the ask timeout,
 *                   the login throttle
 * @param http       {@code socks5d.management.http}: the HTTP admin listener
 * @param state      the state actors' settings (users, initial switches, access log, cluster)
 * @param logFormat  {@code socks5d.proxy.log-format}: {@code text} or {@code json}
 */
public record ServerSettings(Config pekko, ProxySettings proxy, ManagementSettings management, HttpSettings http,
                             StateActors.Settings state, String logFormat) {
    public ServerSettings {
        Objects.requireNonNull(pekko, "pekko");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(logFormat, "logFormat");
    }

    /**
     * Reads and validates every socks5d key of a resolved config (flags and {@code --config} layered in).
     *
     * @throws IllegalArgumentException naming the key of a bad value
     * @throws com.typesafe.config.ConfigException for a missing key or a value of the wrong type
     */
    public static ServerSettings fromConfig(Config config) {
        return new ServerSettings(config,
                ProxySettings.fromConfig(config),
                ManagementSettings.fromConfig(config),
                HttpSettings.fromConfig(config),
                StateActors.Settings.fromConfig(config),
                LogFormat.parse(config.getString("socks5d.proxy.log-format")));
    }

    public ClusterSettings cluster() {
        return state.cluster();
    }

    /**
     * The configured ports of the server's own listeners (SOCKS, MCP, MASS, PCTP, HTTP), 0 left out:
     * the ruleset refuses them as destinations even while a listener is not bound yet.
     */
    public Set<Integer> configuredPorts() {
        return Stream.of(proxy.port(), management.mcp().port(), management.mass().port(), management.pctp().port(),
                        http.port())
                .filter(p -> p != 0).collect(Collectors.toCollection(TreeSet::new));
    }
}
