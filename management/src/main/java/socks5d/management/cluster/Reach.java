package socks5d.management.cluster;

import java.time.Duration;

import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The write consistency of socks5d's replicated changes (docs/design.md, Cluster): every member that
 * is up and reachable, and at least a majority of the members that are up. With all nodes reachable
 * a change is on every node when it is acknowledged; with one of three gone it is on the other two;
 * when fewer than a majority can be reached the write times out and the change stays local until
 * the nodes meet again. Pure function of the cluster state.
 */
final class Reach {
    private Reach() {
    }

    static Replicator.WriteConsistency consistency(Cluster cluster, Duration timeout) {
        ClusterEvent.CurrentClusterState state = cluster.state();
        int up = 0;
        int reachable = 0;
        for (Member m : state.getMembers()) {
            if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) {
                up++;
                if (!state.getUnreachable().contains(m)) {
                    reachable++;
                }
            }
        }
        if (up <= 1) {
            return Replicator.writeLocal();
        }
        int n = Math.max(up / 2 + 1, reachable);
        return new Replicator.WriteTo(n, timeout);
    }
}
