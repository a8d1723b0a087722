package socks5d.management.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

import org.apache.pekko.serialization.SerializerWithStringManifest;

import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserRecord;

/**
 * Binary form of the {@link StampedMap}s that Distributed Data sends between nodes (bound in the
 * cluster configuration of {@link ClusterSettings}). The manifest names the value type: {@code U}
 * users, {@code S} switches, {@code M} metrics, {@code E} an empty map. Layout: entry count, then
 * per entry key, time, origin and the value's fields ({@link DataOutputStream} encodings).
 * Pure functions: thread-safe.
 */
public final class ClusterSerializer extends SerializerWithStringManifest {
    /** Serializer id; Pekko's own are below 100. */
    public static final int ID = 1_557_001;

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof StampedMap<?> m) {
            if (m.entries().isEmpty()) {
                return "E";
            }
            Object v = m.entries().values().iterator().next().value();
            if (v instanceof UserRecord) {
                return "U";
            } else if (v instanceof Switches.State) {
                return "S";
            } else if (v instanceof Metrics.Counters) {
                return "M";
            }
        }
        throw new IllegalArgumentException("cannot serialize " + o.getClass());
    }

    @Override
    public byte[] toBinary(Object o) {
        StampedMap<?> m = (StampedMap<?>) o;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * m.entries().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(m.entries().size());
            for (Map.Entry<String, ? extends StampedMap.Entry<?>> e : m.entries().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().time());
                out.writeUTF(e.getValue().origin());
                writeValue(out, e.getValue().value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeValue(DataOutputStream out, Object v) throws IOException {
        if (v instanceof UserRecord u) {
            out.writeUTF(u.name());
            out.writeByte(u.role() == null ? 0 : u.role() == UserDirectory.Role.ADMIN ? 1 : 2);
            out.writeInt(u.iterations());
            out.writeUTF(u.salt());
            out.writeUTF(u.hash());
            out.writeInt(u.limits().maxSessions());
            out.writeLong(u.limits().bandwidth());
            out.writeLong(u.stamp().time());
            out.writeUTF(u.stamp().origin());
        } else if (v instanceof Switches.State s) {
            out.writeBoolean(s.authRequired());
            out.writeBoolean(s.dissectorsOn());
            out.writeInt(s.relayBufferSize());
        } else if (v instanceof Metrics.Counters c) {
            for (long x : c.toArray()) {
                out.writeLong(x);
            }
        } else {
            throw new IOException("cannot serialize " + v.getClass());
        }
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = in.readInt();
            TreeMap<String, StampedMap.Entry<Object>> entries = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                long time = in.readLong();
                String origin = in.readUTF();
                entries.put(key, new StampedMap.Entry<>(readValue(in, manifest), time, origin));
            }
            return StampedMap.of(entries);
        } catch (IOException | RuntimeException e) {
            throw new NotSerializableException("bad " + manifest + " map: " + e);
        }
    }

    private static Object readValue(DataInputStream in, String manifest) throws IOException {
        switch (manifest) {
            case "U": {
                String name = in.readUTF();
                int role = in.readByte();
                int iterations = in.readInt();
                String salt = in.readUTF();
                String hash = in.readUTF();
                UserDirectory.Limits limits = new UserDirectory.Limits(in.readInt(), in.readLong());
                long time = in.readLong();
                String origin = in.readUTF();
                return new UserRecord(name, role == 0 ? null : role == 1 ? UserDirectory.Role.ADMIN : UserDirectory.Role.BASIC,
                        iterations, salt, hash, limits, new UserRecord.Stamp(time, origin));
            }
            case "S":
                return new Switches.State(in.readBoolean(), in.readBoolean(), in.readInt());
            case "M": {
                long[] a = new long[Metrics.Counters.FIELDS];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readLong();
                }
                return Metrics.Counters.fromArray(a);
            }
            default:
                throw new IOException("unknown manifest " + manifest);
        }
    }
}
