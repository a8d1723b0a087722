package socks5d.management.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;

import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserRecord;

/**
 * Carries the {@link UserDirectory}'s changes to the other nodes and theirs back (docs/design.md,
 * Cluster), through Distributed Data: one {@link StampedMap} of {@link UserRecord}s keyed by user
 * name, merged by stamp. The directory stays the owner of the users on this node: the replica
 * writes what the directory sends ({@link UserDirectory.Replicate}) with the {@link Reach}
 * consistency and answers when enough nodes have it, and passes every record that changed in the
 * cluster to the directory ({@link UserDirectory.Merge}), which keeps those newer than its own.
 * Confined to its actor.
 */
public final class UserReplica {
    static final StampedMap.MapKey<UserRecord> KEY = new StampedMap.MapKey<>("socks5d-users");

    private record Changed(StampedMap<UserRecord> map) {
    }

    private record Written(ActorRef<UserDirectory.Command> directory, long batch, boolean ok) {
    }

    private UserReplica() {
    }

    public static Behavior<UserDirectory.Replicate> create(Duration writeTimeout) {
        return Behaviors.<Object>setup(context -> DistributedData.<Object, StampedMap<UserRecord>>withReplicatorMessageAdapter(
                replicator -> {
                    replicator.subscribe(KEY, r -> r instanceof Replicator.Changed<StampedMap<UserRecord>> c
                            ? new Changed(c.dataValue()) : new Changed(null));
                    return new State(replicator, Cluster.get(context.getSystem()), writeTimeout).behavior();
                })).narrow();
    }

    private static final class State {
        final ReplicatorMessageAdapter<Object, StampedMap<UserRecord>> replicator;
        final Cluster cluster;
        final Duration writeTimeout;
        ActorRef<UserDirectory.Command> directory;
        /** What the cluster held when the directory was last told. */
        StampedMap<UserRecord> told = StampedMap.empty();
        StampedMap<UserRecord> latest = StampedMap.empty();

        State(ReplicatorMessageAdapter<Object, StampedMap<UserRecord>> replicator, Cluster cluster, Duration writeTimeout) {
            this.replicator = replicator;
            this.cluster = cluster;
            this.writeTimeout = writeTimeout;
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(UserDirectory.Replicate.class, this::onReplicate)
                    .onMessage(Changed.class, this::onChanged)
                    .onMessage(Written.class, this::onWritten)
                    .build();
        }

        private Behavior<Object> onReplicate(UserDirectory.Replicate m) {
            if (directory == null) {
                directory = m.directory();
                tellDirectory();
            }
            List<UserRecord> records = m.records();
            ActorRef<UserDirectory.Command> from = m.directory();
            long batch = m.batch();
            replicator.askUpdate(
                    replyTo -> new Replicator.Update<>(KEY, StampedMap.empty(), Reach.consistency(cluster, writeTimeout),
                            replyTo, map -> {
                                StampedMap<UserRecord> next = map;
                                for (UserRecord r : records) {
                                    next = next.with(r.name(), new StampedMap.Entry<>(r, r.stamp().time(), r.stamp().origin()));
                                }
                                return next;
                            }),
                    reply -> new Written(from, batch, reply instanceof Replicator.UpdateSuccess<?>));
            return Behaviors.same();
        }

        private Behavior<Object> onWritten(Written m) {
            if (m.batch() >= 0) {
                m.directory().tell(new UserDirectory.Replicated(m.batch(), m.ok()));
            }
            return Behaviors.same();
        }

        private Behavior<Object> onChanged(Changed m) {
            if (m.map() != null) {
                latest = m.map();
                tellDirectory();
            }
            return Behaviors.same();
        }

        /** Tells the directory the records that changed in the cluster since it was last told. */
        private void tellDirectory() {
            if (directory == null) {
                return;
            }
            List<UserRecord> changed = new ArrayList<>();
            for (Map.Entry<String, StampedMap.Entry<UserRecord>> e : latest.entries().entrySet()) {
                StampedMap.Entry<UserRecord> before = told.get(e.getKey());
                if (!e.getValue().equals(before)) {
                    changed.add(e.getValue().value());
                }
            }
            told = latest;
            if (!changed.isEmpty()) {
                directory.tell(new UserDirectory.Merge(changed));
            }
        }
    }
}
