package socks5d.management.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserRecord;

/** The merge of {@link StampedMap} is a join (commutative, associative, idempotent); the serializer round-trips. */
class StampedMapTest {

    @Provide
    Arbitrary<StampedMap<String>> maps() {
        Arbitrary<StampedMap.Entry<String>> entries = Combinators.combine(
                Arbitraries.strings().alpha().ofMaxLength(2), Arbitraries.longs().between(0, 5),
                Arbitraries.of("a", "b", "c")).as(StampedMap.Entry::new);
        return Arbitraries.maps(Arbitraries.of("k1", "k2", "k3"), entries).ofMaxSize(3).map(StampedMap::of);
    }

    @Property
    void mergeIsCommutative(@ForAll("maps") StampedMap<String> x, @ForAll("maps") StampedMap<String> y) {
        // Equal stamps with different values cannot come from one origin (a node never reuses a time).
        if (conflicting(x, y)) {
            return;
        }
        assertEquals(x.mergeData(y), y.mergeData(x));
    }

    @Property
    void mergeIsAssociativeAndIdempotent(@ForAll("maps") StampedMap<String> x, @ForAll("maps") StampedMap<String> y,
                                         @ForAll("maps") StampedMap<String> z) {
        if (conflicting(x, y) || conflicting(y, z) || conflicting(x, z)) {
            return;
        }
        assertEquals(x.mergeData(y).mergeData(z), x.mergeData(y.mergeData(z)));
        assertEquals(x, x.mergeData(x));
    }

    private static boolean conflicting(StampedMap<String> x, StampedMap<String> y) {
        for (Map.Entry<String, StampedMap.Entry<String>> e : x.entries().entrySet()) {
            StampedMap.Entry<String> o = y.get(e.getKey());
            if (o != null && o.time() == e.getValue().time() && o.origin().equals(e.getValue().origin())
                    && !o.value().equals(e.getValue().value())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void laterTimeWinsThenLargerOrigin() {
        StampedMap<String> m = StampedMap.<String>empty()
                .with("u", new StampedMap.Entry<>("old", 10, "b"))
                .with("u", new StampedMap.Entry<>("new", 11, "a"));
        assertEquals("new", m.get("u").value());
        assertSame(m, m.with("u", new StampedMap.Entry<>("older", 9, "z")));
        assertEquals("tie", m.with("u", new StampedMap.Entry<>("tie", 11, "b")).get("u").value());
    }

    @Test
    void serializerRoundTripsEveryValueType() throws Exception {
        ClusterSerializer s = new ClusterSerializer();
        UserRecord.Stamp st = new UserRecord.Stamp(1234, "pekko://socks5d@127.0.0.1:2551");
        List<StampedMap<?>> maps = List.of(
                StampedMap.<UserRecord>empty()
                        .with("ann", new StampedMap.Entry<>(new UserRecord("ann", UserDirectory.Role.ADMIN, 1000,
                                "c2FsdA==", "aGFzaA==", new UserDirectory.Limits(3, 1_000_000), st), 1234, st.origin()))
                        .with("bob", new StampedMap.Entry<>(new UserRecord("bob", null, 0, "", "", UserDirectory.Limits.DEFAULT, st), 1234, st.origin())),
                StampedMap.<Switches.State>empty().with("dissectors",
                        new StampedMap.Entry<>(new Switches.State(true, false, 8192), 5, "x")),
                StampedMap.<Metrics.Counters>empty().with("n#1",
                        new StampedMap.Entry<>(Metrics.Counters.fromArray(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, Long.MAX_VALUE}), 7, "n#1")),
                StampedMap.empty());
        for (StampedMap<?> m : maps) {
            assertEquals(m, s.fromBinary(s.toBinary(m), s.manifest(m)));
        }
        assertThrows(java.io.NotSerializableException.class, () -> s.fromBinary(new byte[] {0, 0, 0, 1}, "U"));
    }
}
