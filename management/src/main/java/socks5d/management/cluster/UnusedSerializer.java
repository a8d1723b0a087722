package socks5d.management.cluster;

import org.apache.pekko.serialization.JSerializer;

/**
 * Stands in, on a node running alone, for the remoting and cluster serializers that the cluster jars
 * add to {@code reference.conf} ({@link ClusterSettings#withoutClusterSerializers}): Pekko
 * instantiates every configured serializer at start, and these would load some 300 classes a lone
 * node never uses. Nothing is bound to it; it refuses to serialize. All instances are one serializer
 * (equal), so that the names it stands in for share one identifier. Stateless: thread-safe.
 */
public final class UnusedSerializer extends JSerializer {
    public static final int ID = 1_557_000;

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object o) {
        throw new IllegalStateException("no remoting on a node running alone");
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        throw new IllegalStateException("no remoting on a node running alone");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnusedSerializer;
    }

    @Override
    public int hashCode() {
        return ID;
    }
}
