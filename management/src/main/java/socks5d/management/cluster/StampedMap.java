package socks5d.management.cluster;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.pekko.cluster.ddata.AbstractReplicatedData;
import org.apache.pekko.cluster.ddata.Key;

/**
 * The replicated data type of socks5d's cluster state (docs/design.md, Cluster): a map from a key
 * (user name, node, "switches") to a value with a stamp, where merging keeps, for every key, the
 * entry with the larger stamp: time first, then origin as text. That order is a total order, so
 * every node that has seen the same entries holds the same map whatever order they came in
 * (a state-based CRDT: merge is commutative, associative and idempotent). Entries are never removed:
 * a deleted user is an entry too (a tombstone). Immutable.
 *
 * @param <V> the value type: {@link socks5d.management.users.UserRecord},
 *            {@link socks5d.management.switches.Switches.State} or
 *            {@link socks5d.management.metrics.Metrics.Counters}
 */
public final class StampedMap<V> extends AbstractReplicatedData<StampedMap<V>> {
    /** A value, when ({@code time}) and where ({@code origin}) it was set. */
    public record Entry<V>(V value, long time, String origin) {
        public Entry {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(origin, "origin");
        }

        public boolean newerThan(Entry<?> o) {
            if (o == null) {
                return true;
            }
            int c = Long.compare(time, o.time);
            return c != 0 ? c > 0 : origin.compareTo(o.origin) > 0;
        }
    }

    /** A key of a {@link StampedMap} in the replicator. */
    public static final class MapKey<V> extends Key<StampedMap<V>> {
        private static final long serialVersionUID = 1L;

        public MapKey(String id) {
            super(id);
        }
    }

    private final Map<String, Entry<V>> entries;

    private StampedMap(Map<String, Entry<V>> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    public static <V> StampedMap<V> empty() {
        return new StampedMap<>(new TreeMap<>());
    }

    public static <V> StampedMap<V> of(Map<String, Entry<V>> entries) {
        return new StampedMap<>(new TreeMap<>(entries));
    }

    public Map<String, Entry<V>> entries() {
        return entries;
    }

    public Entry<V> get(String key) {
        return entries.get(key);
    }

    /** This map with {@code entry} under {@code key} if it is newer than what the key holds, else this map. */
    public StampedMap<V> with(String key, Entry<V> entry) {
        if (!entry.newerThan(entries.get(key))) {
            return this;
        }
        TreeMap<String, Entry<V>> next = new TreeMap<>(entries);
        next.put(key, entry);
        return new StampedMap<>(next);
    }

    @Override
    public StampedMap<V> mergeData(StampedMap<V> that) {
        TreeMap<String, Entry<V>> next = null;
        for (Map.Entry<String, Entry<V>> e : that.entries.entrySet()) {
            if (e.getValue().newerThan(entries.get(e.getKey()))) {
                if (next == null) {
                    next = new TreeMap<>(entries);
                }
                next.put(e.getKey(), e.getValue());
            }
        }
        return next == null ? this : new StampedMap<>(next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StampedMap<?> m && m.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "StampedMap" + entries.keySet();
    }
}
