package socks5d.proxy.rules;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.typesafe.config.Config;

import socks5d.proxy.connect.IpLiteral;

/**
 * Decides whether a CONNECT may go ahead (docs/protocols/socks5.md, Own listeners and ruleset;
 * reply 0x02 when not). First, the server's own listeners are protected: a destination port that is
 * one of them, on any address of this machine (loopback, any-local, IPv4-mapped forms, every
 * interface address), is refused whatever name or address the client used, so a proxy user cannot
 * reach the unauthenticated MCP port. Then the configured rules apply in order, first match wins.
 * Immutable and pure after construction (the interface addresses are read once at start).
 */
public final class Ruleset {
    /** The configured rules, read from {@code socks5d.proxy.rules}. */
    public record Settings(boolean defaultAllow, List<Rule> rules) {
        public Settings {
            rules = List.copyOf(rules);
        }

        public static Settings fromConfig(Config c) {
            String def = c.getString("default").toLowerCase(Locale.ROOT);
            if (!def.equals("allow") && !def.equals("deny")) {
                throw new IllegalArgumentException("socks5d.proxy.rules.default must be allow or deny, was " + def);
            }
            List<Rule> rules = new ArrayList<>();
            for (Config r : c.getConfigList("list")) {
                rules.add(Rule.fromConfig(r));
            }
            return new Settings(def.equals("allow"), rules);
        }
    }

    /** One allow/deny rule; absent conditions match everything. */
    public record Rule(boolean allow, Cidr cidr, String hostSuffix, Set<Integer> ports) {
        public Rule {
            hostSuffix = hostSuffix == null ? null : hostSuffix.toLowerCase(Locale.ROOT);
            ports = ports == null ? Set.of() : Set.copyOf(ports);
        }

        static Rule fromConfig(Config c) {
            String action = c.getString("action").toLowerCase(Locale.ROOT);
            if (!action.equals("allow") && !action.equals("deny")) {
                throw new IllegalArgumentException("rule action must be allow or deny, was " + action);
            }
            Cidr cidr = c.hasPath("cidr") ? Cidr.parse(c.getString("cidr")) : null;
            String suffix = c.hasPath("host-suffix") ? c.getString("host-suffix") : null;
            Set<Integer> ports = c.hasPath("ports") ? new HashSet<>(c.getIntList("ports")) : Set.of();
            return new Rule(action.equals("allow"), cidr, suffix, ports);
        }

        boolean matches(String requestedHost, InetAddress address, int port) {
            if (!ports.isEmpty() && !ports.contains(port)) {
                return false;
            }
            if (hostSuffix != null && !requestedHost.toLowerCase(Locale.ROOT).endsWith(hostSuffix)) {
                return false;
            }
            return cidr == null || cidr.contains(address);
        }
    }

    /** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
    public record Cidr(byte[] network, int prefix) {
        public static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            byte[] net = literal(host).getAddress();
            int prefix = slash < 0 ? net.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > net.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            return new Cidr(net, prefix);
        }

        public boolean contains(InetAddress address) {
            byte[] a = canonical(address).getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int bits = prefix % 8;
            if (bits == 0) {
                return true;
            }
            int mask = 0xFF << (8 - bits) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }

        private static InetAddress literal(String host) {
            InetAddress a = IpLiteral.parse(host);
            if (a == null) {
                throw new IllegalArgumentException("not an IP address: " + host);
            }
            return a;
        }
    }

    private final Settings settings;
    private final Set<Integer> protectedPorts;
    private final Set<InetAddress> localAddresses;

    /**
     * @param protectedPorts ports of the server's own listeners (SOCKS and management)
     */
    public Ruleset(Settings settings, Set<Integer> protectedPorts) {
        this(settings, protectedPorts, interfaceAddresses());
    }

    Ruleset(Settings settings, Set<Integer> protectedPorts, Set<InetAddress> localAddresses) {
        this.settings = settings;
        this.protectedPorts = Set.copyOf(protectedPorts);
        this.localAddresses = Set.copyOf(localAddresses);
    }

    /** Whether a CONNECT to {@code address:port}, requested as {@code requestedHost}, is allowed. */
    public boolean allows(String requestedHost, InetAddress address, int port) {
        if (isOwnListener(address, port)) {
            return false;
        }
        for (Rule r : settings.rules()) {
            if (r.matches(requestedHost, canonical(address), port)) {
                return r.allow();
            }
        }
        return settings.defaultAllow();
    }

    /** A destination that reaches one of this server's listeners, by any spelling of a local address. */
    public boolean isOwnListener(InetAddress address, int port) {
        if (!protectedPorts.contains(port)) {
            return false;
        }
        InetAddress a = canonical(address);
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || localAddresses.contains(a);
    }

    public boolean isOwnListener(InetSocketAddress address) {
        return isOwnListener(address.getAddress(), address.getPort());
    }

    /** IPv4-mapped and IPv4-compatible IPv6 forms become the IPv4 address they name. */
    public static InetAddress canonical(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean zeroPrefix = true;
            for (int i = 0; i < 10; i++) {
                zeroPrefix &= b[i] == 0;
            }
            boolean mapped = zeroPrefix && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
            boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !v6.isLoopbackAddress() && !v6.isAnyLocalAddress();
            if (mapped || compatible) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    out.add(canonical(a));
                }
            }
        } catch (SocketException e) {
            // Without the interface list, loopback and any-local are still protected.
        }
        return out;
    }
}
