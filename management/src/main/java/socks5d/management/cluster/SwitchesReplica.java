package socks5d.management.cluster;

import java.time.Duration;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;

import socks5d.management.switches.Switches;

/**
 * Shares the live switches between nodes (docs/design.md, Cluster): subscribes to the node's
 * {@link Switches} actor, writes every change made on this node to Distributed Data (one
 * {@link StampedMap}, the larger stamp wins) and sets changes of other nodes on the local
 * actor ({@link Switches.Adopt}). Each switch is its own entry, so concurrent changes of different
 * switches on different nodes both hold. A node starts with the switches of its configuration and
 * takes the cluster's as soon as it sees them; its start values are not spread. Confined to its actor.
 */
public final class SwitchesReplica {
    static final StampedMap.MapKey<Switches.State> KEY = new StampedMap.MapKey<>("socks5d-switches");

    private record Changed(StampedMap<Switches.State> map) {
    }

    private record Local(Switches.State state) {
    }

    private enum Ignore { INSTANCE }

    private SwitchesReplica() {
    }

    public static Behavior<Void> create(ActorRef<Switches.Command> switches, Duration writeTimeout) {
        return Behaviors.<Object>setup(context -> DistributedData.<Object, StampedMap<Switches.State>>withReplicatorMessageAdapter(
                replicator -> {
                    replicator.subscribe(KEY, r -> r instanceof Replicator.Changed<StampedMap<Switches.State>> c
                            ? new Changed(c.dataValue()) : Ignore.INSTANCE);
                    switches.tell(new Switches.Subscribe(context.messageAdapter(Switches.State.class, Local::new)));
                    Cluster cluster = Cluster.get(context.getSystem());
                    String origin = cluster.selfMember().uniqueAddress().toString();
                    return new State(replicator, cluster, switches, origin, writeTimeout).behavior();
                })).narrow();
    }

    /** The three switches, each replicated as its own entry so that changes of different switches never clash. */
    enum Field {
        AUTH_REQUIRED("auth-required"), DISSECTORS("dissectors"), RELAY_BUFFER_SIZE("relay-buffer-size");

        final String key;

        Field(String key) {
            this.key = key;
        }

        Object of(Switches.State s) {
            return switch (this) {
                case AUTH_REQUIRED -> s.authRequired();
                case DISSECTORS -> s.dissectorsOn();
                case RELAY_BUFFER_SIZE -> s.relayBufferSize();
            };
        }

        Switches.State with(Switches.State s, Switches.State from) {
            return switch (this) {
                case AUTH_REQUIRED -> new Switches.State(from.authRequired(), s.dissectorsOn(), s.relayBufferSize());
                case DISSECTORS -> new Switches.State(s.authRequired(), from.dissectorsOn(), s.relayBufferSize());
                case RELAY_BUFFER_SIZE -> new Switches.State(s.authRequired(), s.dissectorsOn(), from.relayBufferSize());
            };
        }
    }

    private static final class State {
        final ReplicatorMessageAdapter<Object, StampedMap<Switches.State>> replicator;
        final Cluster cluster;
        final ActorRef<Switches.Command> switches;
        final String origin;
        final Duration writeTimeout;
        /** The local actor's state as last heard, {@code null} before its first answer. */
        Switches.State current;
        StampedMap<Switches.State> entries = StampedMap.empty();
        final java.util.Map<Field, StampedMap.Entry<Switches.State>> applied = new java.util.EnumMap<>(Field.class);
        long clock;

        State(ReplicatorMessageAdapter<Object, StampedMap<Switches.State>> replicator, Cluster cluster,
              ActorRef<Switches.Command> switches, String origin, Duration writeTimeout) {
            this.replicator = replicator;
            this.cluster = cluster;
            this.switches = switches;
            this.origin = origin;
            this.writeTimeout = writeTimeout;
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(Local.class, this::onLocal)
                    .onMessage(Changed.class, this::onChanged)
                    .onMessageEquals(Ignore.INSTANCE, Behaviors::same)
                    .build();
        }

        private Behavior<Object> onLocal(Local m) {
            Switches.State prev = current;
            current = m.state();
            if (prev == null) {
                // The start values of this node's configuration: not a change to spread.
                adoptCluster();
                return Behaviors.same();
            }
            StampedMap<Switches.State> update = StampedMap.empty();
            for (Field f : Field.values()) {
                if (f.of(prev).equals(f.of(current))) {
                    continue;
                }
                StampedMap.Entry<Switches.State> known = entries.get(f.key);
                if (known != null && f.of(known.value()).equals(f.of(current))) {
                    continue; // adopted from the cluster
                }
                long newest = known == null ? 0 : known.time();
                clock = Math.max(System.currentTimeMillis(), Math.max(clock, newest) + 1);
                StampedMap.Entry<Switches.State> entry = new StampedMap.Entry<>(current, clock, origin);
                applied.put(f, entry);
                update = update.with(f.key, entry);
            }
            if (!update.entries().isEmpty()) {
                entries = entries.mergeData(update);
                StampedMap<Switches.State> delta = update;
                replicator.askUpdate(
                        replyTo -> new Replicator.Update<>(KEY, StampedMap.empty(), Reach.consistency(cluster, writeTimeout),
                                replyTo, map -> map.mergeData(delta)),
                        reply -> Ignore.INSTANCE);
            }
            return Behaviors.same();
        }

        private Behavior<Object> onChanged(Changed m) {
            entries = entries.mergeData(m.map());
            adoptCluster();
            return Behaviors.same();
        }

        /** Sets on the local actor every switch whose cluster entry is newer than the one last applied. */
        private void adoptCluster() {
            if (current == null) {
                return;
            }
            Switches.State merged = current;
            for (Field f : Field.values()) {
                StampedMap.Entry<Switches.State> e = entries.get(f.key);
                if (e != null && e.newerThan(applied.get(f))) {
                    applied.put(f, e);
                    merged = f.with(merged, e.value());
                }
            }
            if (!merged.equals(current)) {
                switches.tell(new Switches.Adopt(merged));
            }
        }
    }
}
