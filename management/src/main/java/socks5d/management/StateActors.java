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
     * What the state actors start with, read once from {@code socks5d.management} and
     * {@code socks5d.cluster}. Immutable.
     *
     * @param users             {@code socks5d.management.users}
     * @param switches          {@code socks5d.management.switches}: the switches at start
     * @param accessLogRingSize {@code socks5d.management.access-log.ring-size}
     * @param cluster           {@code socks5d.cluster}: alone or one node of a cluster
     */
    public record Settings(UserSettings users, Switches.State switches, int accessLogRingSize,
                           ClusterSettings cluster) {
        public static Settings fromConfig(Config root) {
            return new Settings(UserSettings.fromConfig(root), Switches.State.fromConfig(root),
                    root.getInt("socks5d.management.access-log.ring-size"), ClusterSettings.fromConfig(root));
        }
    }

    /** As {@link #spawn(ActorContext, Settings)} with the settings read from {@code config}. */
    public static StateActors spawn(ActorContext<?> context, Config config) {
        return spawn(context, Settings.fromConfig(config));
    }

    /**
     * Spawns the four actors as children of {@code context}.
     * Metrics, access log and switches resume after an unexpected exception, keeping their state:
     * one bad message must not reset the counters or the switches. The user directory is not
     * supervised: if it cannot load the user file it stops, and the owner (who should watch it)
     * must stop the server rather than run without, or overwrite, the users on disk.
     */
    public static StateActors spawn(ActorContext<?> context, Settings settings) {
        Switches.State initial = settings.switches();
        ClusterSettings cluster = settings.cluster();
        PublishedUsers published = new PublishedUsers();
        if (!cluster.enabled()) {
            return new StateActors(
                    context.spawn(UserDirectory.create(settings.users(), published), "users"),
                    context.spawn(resuming(Metrics.create()), "metrics"),
                    context.spawn(resuming(AccessLog.create(settings.accessLogRingSize())), "access-log"),
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
                context.spawn(UserDirectory.create(settings.users(), published,
                        new UserDirectory.Replication(userReplica, origin)), "users"),
                context.spawn(resuming(ClusterMetrics.create(cluster)), "metrics"),
                context.spawn(resuming(AccessLog.create(settings.accessLogRingSize())), "access-log"),
                switches,
                published);
    }

    private static <T> Behavior<T> resuming(Behavior<T> behavior) {
        return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.resume());
    }
}
