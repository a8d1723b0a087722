package socks5d.management.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The {@code socks5d.cluster} settings (README, Cluster; docs/operations.md, Cluster) and the Pekko
 * configuration they stand for. Cluster mode is on only when {@code socks5d.cluster.enabled} is
 * (any cluster flag turns it on); otherwise nothing here is applied and the actor provider stays
 * {@code local}: no remoting, no cluster port. Immutable.
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, List<String> seedNodes,
                              Duration writeTimeout, Duration metricsInterval, Duration joinWarnAfter,
                              Duration stableAfter, boolean tls, Config tlsConfig) {

    public static ClusterSettings fromConfig(Config root) {
        Config c = root.getConfig("socks5d.cluster");
        String name = c.getString("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("socks5d.cluster.name must be letters, digits, '-' or '_', was [" + name + "]");
        }
        int port = c.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("socks5d.cluster.port must be a port 0..65535, was " + port);
        }
        List<String> seeds = new ArrayList<>();
        for (String s : c.getStringList("seed-nodes")) {
            seeds.add(seedAddress(name, s));
        }
        return new ClusterSettings(c.getBoolean("enabled"), name, c.getString("host"), port, List.copyOf(seeds),
                c.getDuration("write-timeout"), c.getDuration("metrics-interval"), c.getDuration("join-warn-after"),
                c.getDuration("split-brain-resolver.stable-after"), c.getBoolean("tls.enabled"), c.getConfig("tls"));
    }

    /** {@code host:port} (or a full {@code pekko://name@host:port}) as a seed node address. */
    static String seedAddress(String name, String seed) {
        if (seed.startsWith("pekko://")) {
            return seed;
        }
        int colon = seed.lastIndexOf(':');
        if (colon <= 0 || colon == seed.length() - 1) {
            throw new IllegalArgumentException("seed node must be HOST:PORT, was [" + seed + "]");
        }
        String host = seed.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(seed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed node must be HOST:PORT, was [" + seed + "]");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("seed node port must be 1..65535, was [" + seed + "]");
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "pekko://" + name + "@" + host + ":" + port;
    }

    /**
     * {@code config} for a node running alone: without the serializers (and their bindings) that the
     * remoting, cluster and Distributed Data jars add to the merged {@code reference.conf}. Pekko
     * instantiates every configured serializer and loads every bound class at start, which would cost
     * a node that never talks to another one start-up time and memory (some 300 classes).
     */
    public static Config withoutClusterSerializers(Config config) {
        // Pekko merges this configuration over reference.conf, so entries cannot be removed: the
        // remoting and cluster serializers are pointed at {@link UnusedSerializer}
        // and their bindings at "none", which Pekko skips.
        String serializersPath = "pekko.actor.serializers";
        String bindingsPath = "pekko.actor.serialization-bindings";
        java.util.Set<String> dropped = new java.util.HashSet<>();
        Config out = config;
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : config.getObject(serializersPath).entrySet()) {
            Object cls = e.getValue().unwrapped();
            if (cls instanceof String s && (s.startsWith("org.apache.pekko.remote.") || s.startsWith("org.apache.pekko.cluster."))) {
                dropped.add(e.getKey());
                out = out.withValue(serializersPath + "." + com.typesafe.config.ConfigUtil.quoteString(e.getKey()),
                        com.typesafe.config.ConfigValueFactory.fromAnyRef(UnusedSerializer.class.getName()));
            }
        }
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : config.getObject(bindingsPath).entrySet()) {
            if (dropped.contains(String.valueOf(e.getValue().unwrapped()))) {
                out = out.withValue(bindingsPath + "." + com.typesafe.config.ConfigUtil.quoteString(e.getKey()),
                        com.typesafe.config.ConfigValueFactory.fromAnyRef("none"));
            }
        }
        return out;
    }

    /** The actor system's name: the cluster name in cluster mode, else {@code fallback}. */
    public String systemName(String fallback) {
        return enabled ? name : fallback;
    }

    /** Whether the cluster port is bound to a loopback address (no TLS needed between nodes of one machine). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The Pekko settings of cluster mode, to be layered over the rest of the configuration: cluster
     * provider, Artery TCP (or TLS over TCP) on {@code host:port}, the seed nodes, Pekko's split brain
     * resolver (keep-majority) and the serializer of the replicated state.
     */
    public Config pekkoConfig() {
        Map<String, Object> m = new HashMap<>();
        m.put("pekko.actor.provider", "cluster");
        m.put("pekko.remote.artery.transport", tls ? "tls-tcp" : "tcp");
        m.put("pekko.remote.artery.canonical.hostname", host);
        m.put("pekko.remote.artery.canonical.port", port);
        m.put("pekko.cluster.seed-nodes", seedNodes);
        m.put("pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
        m.put("pekko.cluster.split-brain-resolver.active-strategy", "keep-majority");
        m.put("pekko.cluster.split-brain-resolver.stable-after", stableAfter.toMillis() + "ms");
        m.put("pekko.cluster.jmx.enabled", false);
        m.put("pekko.cluster.log-info-verbose", false);
        // Subscribers (the user and switch replicas) hear of a change soon after it arrives, and
        // replicas that missed a write catch up by gossip.
        m.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
        m.put("pekko.cluster.distributed-data.gossip-interval", "500ms");
        m.put("pekko.actor.serializers.socks5d-cluster", ClusterSerializer.class.getName());
        m.put("pekko.actor.serialization-bindings.\"" + StampedMap.class.getName() + "\"", "socks5d-cluster");
        Config overrides = ConfigFactory.parseMap(m, "socks5d.cluster");
        if (tls) {
            Config engine = ConfigFactory.parseMap(Map.of(
                    "key-store", tlsConfig.getString("key-store"),
                    "key-store-password", tlsConfig.getString("key-store-password"),
                    "key-password", tlsConfig.getString("key-password"),
                    "trust-store", tlsConfig.getString("trust-store"),
                    "trust-store-password", tlsConfig.getString("trust-store-password")), "socks5d.cluster.tls");
            overrides = overrides.withFallback(engine.atPath("pekko.remote.artery.ssl.config-ssl-engine"));
        }
        return overrides;
    }
}
