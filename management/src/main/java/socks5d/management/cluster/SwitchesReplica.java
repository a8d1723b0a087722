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
 * {@link StampedMap} entry, the larger stamp wins) and sets changes of other nodes on the local
 * actor ({@link Switches.Adopt}). A node starts with the switches of its configuration and takes
 * the cluster's as soon as it sees them; its start values are not spread. Confined to its actor.
 */
public final class SwitchesReplica {
    static final StampedMap.MapKey<Switches.State> KEY = new StampedMap.MapKey<>("socks5d-switches");
    static final String ENTRY = "switches";

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

    private static final class State {
        final ReplicatorMessageAdapter<Object, StampedMap<Switches.State>> replicator;
        final Cluster cluster;
        final ActorRef<Switches.Command> switches;
        final String origin;
        final Duration writeTimeout;
        boolean first = true;
        StampedMap.Entry<Switches.State> cluster_;
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
            if (first) {
                // The start values of this node's configuration: not a change to spread.
                first = false;
                return Behaviors.same();
            }
            if (cluster_ != null && cluster_.value().equals(m.state())) {
                return Behaviors.same(); // adopted from the cluster, or no change
            }
            clock = Math.max(System.currentTimeMillis(), Math.max(clock, cluster_ == null ? 0 : cluster_.time()) + 1);
            StampedMap.Entry<Switches.State> entry = new StampedMap.Entry<>(m.state(), clock, origin);
            cluster_ = entry;
            replicator.askUpdate(
                    replyTo -> new Replicator.Update<>(KEY, StampedMap.empty(), Reach.consistency(cluster, writeTimeout),
                            replyTo, map -> map.with(ENTRY, entry)),
                    reply -> Ignore.INSTANCE);
            return Behaviors.same();
        }

        private Behavior<Object> onChanged(Changed m) {
            StampedMap.Entry<Switches.State> e = m.map().get(ENTRY);
            if (e != null && e.newerThan(cluster_)) {
                cluster_ = e;
                switches.tell(new Switches.Adopt(e.value()));
            }
            return Behaviors.same();
        }
    }
}
