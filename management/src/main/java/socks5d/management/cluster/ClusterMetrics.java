package socks5d.management.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;

import socks5d.management.metrics.Metrics;

/**
 * The metrics of a cluster node (docs/operations.md, Cluster): the node's own {@link Metrics} actor
 * counts what this node's data plane reports, exactly as when it runs alone; this actor stands in
 * front of it, publishes its raw {@link Metrics.Counters} to Distributed Data at
 * {@code socks5d.cluster.metrics-interval} (one {@link StampedMap} entry per node incarnation, only
 * this node writes its own) and answers {@link Metrics.GetSnapshot} with the cluster's totals: this
 * node's counters as of now plus every other node's as last replicated. A node that is no longer a
 * reachable member adds only its historic counters (current connections and bytes in flight count
 * as 0). {@link Metrics.GetNodes} lists every node with its status and counters. Everything else is
 * passed to the local actor. Also warns when the node has not joined a cluster after
 * {@code join-warn-after}. Confined to its actor.
 */
public final class ClusterMetrics {
    static final StampedMap.MapKey<Metrics.Counters> KEY = new StampedMap.MapKey<>("socks5d-metrics");

    private record Changed(StampedMap<Metrics.Counters> map) {
    }

    private record Local(Metrics.Counters counters) {
    }

    private enum Tick { INSTANCE }

    private enum Ignore { INSTANCE }

    private ClusterMetrics() {
    }

    public static Behavior<Metrics.Command> create(ClusterSettings settings) {
        return Behaviors.<Object>setup(context -> DistributedData.<Object, StampedMap<Metrics.Counters>>withReplicatorMessageAdapter(
                replicator -> Behaviors.withTimers(timers -> {
                    replicator.subscribe(KEY, r -> r instanceof Replicator.Changed<StampedMap<Metrics.Counters>> c
                            ? new Changed(c.dataValue()) : Ignore.INSTANCE);
                    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.metricsInterval());
                    ActorRef<Metrics.Command> local = context.spawn(
                            Behaviors.supervise(Metrics.create()).onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.resume()),
                            "node");
                    return new State(context, replicator, local, settings).behavior();
                }))).narrow();
    }

    /** Address text of a node incarnation, without its uid. */
    static String display(String key) {
        int hash = key.lastIndexOf('#');
        return hash < 0 ? key : key.substring(0, hash);
    }

    private static final class State {
        final ActorContext<Object> context;
        final ReplicatorMessageAdapter<Object, StampedMap<Metrics.Counters>> replicator;
        final ActorRef<Metrics.Command> local;
        final ActorRef<Metrics.Counters> localAdapter;
        final Cluster cluster;
        final ClusterSettings settings;
        final String self;
        final long started = System.nanoTime();
        StampedMap<Metrics.Counters> latest = StampedMap.empty();
        Metrics.Counters published;
        long clock;
        boolean warnedNotJoined;
        boolean everJoined;
        final List<ActorRef<Metrics.Snapshot>> waitingSnapshots = new ArrayList<>();
        final List<ActorRef<Metrics.Nodes>> waitingNodes = new ArrayList<>();

        State(ActorContext<Object> context, ReplicatorMessageAdapter<Object, StampedMap<Metrics.Counters>> replicator,
              ActorRef<Metrics.Command> local, ClusterSettings settings) {
            this.context = context;
            this.replicator = replicator;
            this.local = local;
            this.settings = settings;
            this.localAdapter = context.messageAdapter(Metrics.Counters.class, Local::new);
            this.cluster = Cluster.get(context.getSystem());
            this.self = cluster.selfMember().uniqueAddress().address() + "#" + cluster.selfMember().uniqueAddress().longUid();
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(Metrics.GetSnapshot.class, m -> {
                        waitingSnapshots.add(m.replyTo());
                        local.tell(new Metrics.GetCounters(localAdapter));
                        return Behaviors.same();
                    })
                    .onMessage(Metrics.GetNodes.class, m -> {
                        waitingNodes.add(m.replyTo());
                        local.tell(new Metrics.GetCounters(localAdapter));
                        return Behaviors.same();
                    })
                    .onMessage(Metrics.Command.class, m -> {
                        local.tell(m);
                        return Behaviors.same();
                    })
                    .onMessageEquals(Tick.INSTANCE, this::onTick)
                    .onMessage(Local.class, this::onLocal)
                    .onMessage(Changed.class, m -> {
                        latest = m.map();
                        return Behaviors.same();
                    })
                    .onMessageEquals(Ignore.INSTANCE, Behaviors::same)
                    .build();
        }

        private Behavior<Object> onTick() {
            local.tell(new Metrics.GetCounters(localAdapter));
            MemberStatus status = cluster.selfMember().status();
            boolean joined = status == MemberStatus.up() || status == MemberStatus.weaklyUp();
            everJoined |= joined;
            if (!joined && !everJoined && !warnedNotJoined
                    && System.nanoTime() - started > settings.joinWarnAfter().toNanos()) {
                warnedNotJoined = true;
                context.getLog().warn("This node has not joined a cluster after [{}]: no seed node of {} answered;"
                        + " it serves SOCKS with its own users and switches and joins when a seed node appears",
                        settings.joinWarnAfter(), settings.seedNodes());
            } else if (joined && warnedNotJoined) {
                warnedNotJoined = false;
                context.getLog().info("This node joined the cluster");
            }
            return Behaviors.same();
        }

        private Behavior<Object> onLocal(Local m) {
            Metrics.Counters mine = m.counters();
            if (!mine.equals(published)) {
                published = mine;
                clock = Math.max(System.currentTimeMillis(), clock + 1);
                StampedMap.Entry<Metrics.Counters> entry = new StampedMap.Entry<>(mine, clock, self);
                replicator.askUpdate(
                        replyTo -> new Replicator.Update<>(KEY, StampedMap.empty(), Replicator.writeLocal(), replyTo,
                                map -> map.with(self, entry)),
                        reply -> Ignore.INSTANCE);
            }
            if (!waitingSnapshots.isEmpty()) {
                Metrics.Snapshot total = total(mine).snapshot();
                waitingSnapshots.forEach(r -> r.tell(total));
                waitingSnapshots.clear();
            }
            if (!waitingNodes.isEmpty()) {
                Metrics.Nodes nodes = nodes(mine);
                waitingNodes.forEach(r -> r.tell(nodes));
                waitingNodes.clear();
            }
            return Behaviors.same();
        }

        /** Keys of the reachable members (address#uid) with their status. */
        private Map<String, String> members() {
            ClusterEvent.CurrentClusterState state = cluster.state();
            Map<String, String> out = new HashMap<>();
            for (Member m : state.getMembers()) {
                String key = m.uniqueAddress().address() + "#" + m.uniqueAddress().longUid();
                boolean unreachable = state.getUnreachable().contains(m);
                out.put(key, unreachable ? "unreachable" : m.status().toString().toLowerCase(java.util.Locale.ROOT));
            }
            return out;
        }

        private static boolean current(String status) {
            return status != null && !status.equals("unreachable") && !status.equals("down") && !status.equals("removed");
        }

        private Metrics.Counters total(Metrics.Counters mine) {
            Map<String, String> members = members();
            Metrics.Counters sum = mine;
            for (Map.Entry<String, StampedMap.Entry<Metrics.Counters>> e : latest.entries().entrySet()) {
                if (e.getKey().equals(self)) {
                    continue;
                }
                Metrics.Counters c = e.getValue().value();
                sum = sum.plus(current(members.get(e.getKey())) ? c : c.historicOnly());
            }
            return sum;
        }

        private Metrics.Nodes nodes(Metrics.Counters mine) {
            Map<String, String> members = members();
            List<Metrics.Node> out = new ArrayList<>();
            out.add(new Metrics.Node(display(self), members.getOrDefault(self, cluster.selfMember().status().toString()
                    .toLowerCase(java.util.Locale.ROOT)), mine));
            java.util.TreeSet<String> keys = new java.util.TreeSet<>(latest.entries().keySet());
            keys.addAll(members.keySet());
            for (String key : keys) {
                if (key.equals(self)) {
                    continue;
                }
                StampedMap.Entry<Metrics.Counters> e = latest.get(key);
                String status = members.getOrDefault(key, "removed");
                Metrics.Counters c = e == null ? Metrics.Counters.ZERO : e.value();
                out.add(new Metrics.Node(display(key), status, current(status) ? c : c.historicOnly()));
            }
            return new Metrics.Nodes(out);
        }
    }
}
