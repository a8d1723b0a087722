package socks5d.management;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import com.typesafe.config.Config;

import org.apache.pekko.cluster.typed.Cluster;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.cluster.ClusterMetrics;
import socks5d.management.cluster.ClusterSettings;
import socks5d.management.cluster.SwitchesReplica;
import socks5d.management.cluster.UserReplica;
import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.PublishedUsers;
import socks5d.management.users.UserDirectory;
import socks5d.management.users.UserSettings;

/**
 * The four state actors the proxy and every management protocol talk to (docs/operations.md,
 * docs/protocols/). Whoever holds this record asks the same users, counters, switches and log, so a
 * change made over one protocol is seen at once by the others and by the proxy. Immutable; the
 * actors confine their state.
 */
public record StateActors(ActorRef<UserDirectory.Command> users,
                          ActorRef<Metrics.Command> metrics,
                          ActorRef<AccessLog.Command> accessLog,
                          ActorRef<Switches.Command> switches,
                          PublishedUsers publishedUsers) {

    /**
     * Spawns the four actors as children of {@code context}, configured from {@code socks5d.management}.
     * Metrics, access log and switches resume after an unexpected exception, keeping their state:
     * one bad message must not reset the counters or the switches. The user directory is not
     * supervised: if it cannot load the user file it stops, and the owner (who should watch it)
     * must stop the server rather than run without, or overwrite, the users on disk.
     */
    public static StateActors spawn(ActorContext<?> context, Config config) {
        Config m = config.getConfig("socks5d.management");
        Switches.State initial = new Switches.State(
                m.getBoolean("switches.auth-required"),
                m.getBoolean("switches.dissectors"),
                (int) Math.min(Integer.MAX_VALUE, m.getBytes("switches.relay-buffer-size")));
        PublishedUsers published = new PublishedUsers();
        ClusterSettings cluster = ClusterSettings.fromConfig(config);
        if (!cluster.enabled()) {
            return new StateActors(
                    context.spawn(UserDirectory.create(UserSettings.fromConfig(config), published), "users"),
                    context.spawn(resuming(Metrics.create()), "metrics"),
                    context.spawn(resuming(AccessLog.create(m.getInt("access-log.ring-size"))), "access-log"),
                    context.spawn(resuming(Switches.create(initial)), "switches"),
                    published);
        }
        // Cluster mode (docs/design.md, Cluster): the same actors, with replicas that share users,
        // switches and counters through Distributed Data. The access log stays per node.
        String origin = Cluster.get(context.getSystem()).selfMember().address().toString();
        ActorRef<UserDirectory.Replicate> userReplica =
                context.spawn(resuming(UserReplica.create(cluster.writeTimeout())), "users-replica");
        ActorRef<Switches.Command> switches = context.spawn(resuming(Switches.create(initial)), "switches");
        context.spawn(resuming(SwitchesReplica.create(switches, cluster.writeTimeout())), "switches-replica");
        return new StateActors(
                context.spawn(UserDirectory.create(UserSettings.fromConfig(config), published,
                        new UserDirectory.Replication(userReplica, origin)), "users"),
                context.spawn(resuming(ClusterMetrics.create(cluster)), "metrics"),
                context.spawn(resuming(AccessLog.create(m.getInt("access-log.ring-size"))), "access-log"),
                switches,
                published);
    }

    private static <T> Behavior<T> resuming(Behavior<T> behavior) {
        return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.resume());
    }
}
