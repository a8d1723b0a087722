package socks5d.management.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import socks5d.management.StateActors;
import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

/**
 * Three socks5d nodes as actor systems in one JVM, clustered over Artery on loopback ports the OS
 * picks (port 0; nodes join the first one by address): users and switches converge, metrics totals
 * add up exactly over thousands of simulated sessions, and a node stopped abruptly (no leave) drops
 * out of the current totals once the split brain resolver has downed it. The last test runs last
 * because it stops a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSimulationTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    final List<Node> nodes = new ArrayList<>();

    /** One node: its test kit (actor system) and state actors. */
    record Node(ActorTestKit kit, StateActors state) {
        UserDirectory.AddUserReply add(String name, String password) {
            TestProbe<UserDirectory.AddUserReply> p = kit.createTestProbe();
            state.users().tell(new UserDirectory.PutUser(name, password, UserDirectory.Role.BASIC, p.getRef()));
            return p.receiveMessage(WAIT);
        }

        UserDirectory.RemoveUserReply remove(String name) {
            TestProbe<UserDirectory.RemoveUserReply> p = kit.createTestProbe();
            state.users().tell(new UserDirectory.RemoveUser(name, p.getRef()));
            return p.receiveMessage(WAIT);
        }

        boolean authenticates(String name, String password) {
            TestProbe<UserDirectory.AuthReply> p = kit.createTestProbe();
            state.users().tell(new UserDirectory.Authenticate(name, password, p.getRef()));
            return p.receiveMessage(WAIT) instanceof UserDirectory.Authenticated;
        }

        List<String> users() {
            TestProbe<UserDirectory.UserList> p = kit.createTestProbe();
            state.users().tell(new UserDirectory.ListUsers(p.getRef()));
            return p.receiveMessage(WAIT).users().stream().map(UserDirectory.UserInfo::name).toList();
        }

        Switches.State switches() {
            TestProbe<Switches.State> p = kit.createTestProbe();
            state.switches().tell(new Switches.GetState(p.getRef()));
            return p.receiveMessage(WAIT);
        }

        Metrics.Snapshot metrics() {
            TestProbe<Metrics.Snapshot> p = kit.createTestProbe();
            state.metrics().tell(new Metrics.GetSnapshot(p.getRef()));
            return p.receiveMessage(WAIT);
        }

        Metrics.Nodes nodes() {
            TestProbe<Metrics.Nodes> p = kit.createTestProbe();
            state.metrics().tell(new Metrics.GetNodes(p.getRef()));
            return p.receiveMessage(WAIT);
        }
    }

    static Config nodeConfig(Path dataDir) {
        Config base = ConfigFactory.parseString("""
                socks5d.cluster {
                  enabled = on
                  host = "127.0.0.1"
                  port = 0
                  metrics-interval = 100ms
                  write-timeout = 3s
                  split-brain-resolver.stable-after = 2s
                }
                socks5d.management.users.hash-iterations = 1000
                # A stopped node leaves no goodbye: the others must find out by failure detection.
                pekko.coordinated-shutdown.run-by-actor-system-terminate = off
                pekko.cluster.failure-detector.acceptable-heartbeat-pause = 2s
                pekko.loglevel = INFO
                """).withFallback(ConfigFactory.parseMap(java.util.Map.of(
                "socks5d.management.users.data-dir", dataDir.toString())))
                .withFallback(ConfigFactory.load());
        return ClusterSettings.fromConfig(base).pekkoConfig().withFallback(base).resolve();
    }

    static Node start(Path dataDir) {
        Config config = nodeConfig(dataDir);
        ActorTestKit kit = ActorTestKit.create("socks5d", config);
        TestProbe<StateActors> spawned = kit.createTestProbe();
        kit.spawn(Behaviors.setup(context -> {
            spawned.getRef().tell(StateActors.spawn(context, config));
            return Behaviors.empty();
        }), "state");
        return new Node(kit, spawned.receiveMessage(WAIT));
    }

    static void join(Node node, Node seed) {
        Cluster.get(node.kit().system()).manager().tell(
                new Join(Cluster.get(seed.kit().system()).selfMember().address()));
    }

    static void awaitUp(List<Node> all) {
        eventually(() -> all.stream().allMatch(n -> {
            Cluster c = Cluster.get(n.kit().system());
            long up = 0;
            for (org.apache.pekko.cluster.Member m : c.state().getMembers()) {
                if (m.status() == MemberStatus.up()) {
                    up++;
                }
            }
            return up == all.size();
        }), "all " + all.size() + " nodes up");
    }

    static void eventually(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not reached in time: " + what);
    }

    @BeforeAll
    void startCluster() {
        for (int i = 0; i < 3; i++) {
            nodes.add(start(dir.resolve("node" + i)));
        }
        join(nodes.get(0), nodes.get(0));
        join(nodes.get(1), nodes.get(0));
        join(nodes.get(2), nodes.get(0));
        awaitUp(nodes);
    }

    @AfterAll
    void stopCluster() {
        for (Node n : nodes) {
            n.kit().shutdownTestKit();
        }
    }

    @Test
    @Order(1)
    void usersAddedChangedAndRemovedOnOneNodeReachEveryNode() {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        assertInstanceOf(UserDirectory.Added.class, a.add("alice", "one"));
        // Acknowledged with every reachable node confirming: already on the others' replicas.
        eventually(() -> c.authenticates("alice", "one") && b.authenticates("alice", "one"), "alice on B and C");

        assertInstanceOf(UserDirectory.Updated.class, b.add("alice", "two"));
        eventually(() -> a.authenticates("alice", "two") && c.authenticates("alice", "two")
                && !a.authenticates("alice", "one"), "alice's new password on A and C");

        // A user's own limits (docs/operations.md, Limits) travel with it.
        UserDirectory.Limits limits = new UserDirectory.Limits(3, 250_000);
        TestProbe<UserDirectory.SetLimitsReply> set = a.kit().createTestProbe();
        a.state().users().tell(new UserDirectory.SetLimits("alice", limits, set.getRef()));
        assertInstanceOf(UserDirectory.LimitsSet.class, set.receiveMessage(WAIT));
        eventually(() -> limits.equals(b.state().publishedUsers().current().limits("alice"))
                && limits.equals(c.state().publishedUsers().current().limits("alice")), "alice's limits on B and C");
        assertTrue(c.authenticates("alice", "two"), "a change of limits keeps the password");

        assertInstanceOf(UserDirectory.Removed.class, c.remove("alice"));
        eventually(() -> !a.users().contains("alice") && !b.users().contains("alice"), "alice removed on A and B");
        assertTrue(!a.authenticates("alice", "two"));
    }

    @Test
    @Order(2)
    void switchesSetOnOneNodeReachEveryNode() {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        TestProbe<Switches.State> p = b.kit().createTestProbe();
        b.state().switches().tell(new Switches.SetDissectors(false, p.getRef()));
        p.receiveMessage(WAIT);
        TestProbe<Switches.SetReply> q = c.kit().createTestProbe();
        c.state().switches().tell(new Switches.SetRelayBufferSize(8192, q.getRef()));
        q.receiveMessage(WAIT);
        Switches.State wanted = new Switches.State(true, false, 8192);
        eventually(() -> a.switches().equals(wanted) && b.switches().equals(wanted) && c.switches().equals(wanted),
                "switches " + wanted + " on every node");
    }

    /**
     * Propagation time of a user change (README, Cluster): from the moment a change is sent to one
     * node until every node's published snapshot (what SOCKS logins read) holds it, for 100 changes
     * made in turn on each node. Prints median and worst; asserts only a generous bound.
     */
    @Test
    @Order(3)
    void userChangesReachEveryNodeQuickly() throws InterruptedException {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Node origin = nodes.get(i % 3);
            Object[] before = new Object[3];
            for (int k = 0; k < 3; k++) {
                before[k] = nodes.get(k).state().publishedUsers().current().record("timed");
            }
            TestProbe<UserDirectory.AddUserReply> p = origin.kit().createTestProbe();
            long start = System.nanoTime();
            origin.state().users().tell(new UserDirectory.PutUser("timed", "pw" + i, UserDirectory.Role.BASIC, p.getRef()));
            boolean[] seen = new boolean[3];
            int remaining = 3;
            long deadline = start + Duration.ofSeconds(10).toNanos();
            while (remaining > 0 && System.nanoTime() < deadline) {
                for (int k = 0; k < 3; k++) {
                    if (!seen[k] && nodes.get(k).state().publishedUsers().current().record("timed") != before[k]) {
                        seen[k] = true;
                        remaining--;
                    }
                }
                Thread.sleep(0, 200_000);
            }
            assertEquals(0, remaining, "change " + i + " reached every node within 10 s");
            micros.add((System.nanoTime() - start) / 1000);
            p.receiveMessage(WAIT);
        }
        List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf("ClusterSimulationTest: a user change reached all 3 nodes in median %.1f ms, worst %.1f ms"
                + " (100 changes, loopback, one JVM)%n", (sorted.get(49) + sorted.get(50)) / 2000.0, sorted.get(99) / 1000.0);
    }

    @Test
    @Order(4)
    void metricsTotalsAddUpExactlyOverThousandsOfSessions() {
        // Each node's data plane reports batches; 3 nodes x 1000 batches x 3 sessions = 9000 sessions.
        long[] sessions = new long[3];
        for (int i = 0; i < 3; i++) {
            Node n = nodes.get(i);
            for (int k = 0; k < 1000; k++) {
                n.state().metrics().tell(new Metrics.Batch(3, 1, 3, 30, 2, 1, 3, 1, 3,
                        new Metrics.Traffic(30, 100 + i, 40, 2, 64, 2, 64)));
                sessions[i] += 3;
            }
        }
        // Node 1 also holds 5 connections open.
        nodes.get(1).state().metrics().tell(new Metrics.Batch(5, 0, 0, 0, 0, 0, 0, 0, 5,
                new Metrics.Traffic(500, 500, 0, 0, 0, 0, 0)));
        long historic = sessions[0] + sessions[1] + sessions[2] + 5;
        long transferred = 1000 * (100 + 101 + 102) + 500;
        for (Node n : nodes) {
            eventually(() -> {
                Metrics.Snapshot s = n.metrics();
                return s.historicConnections() == historic && s.currentConnections() == 5
                        && s.bytesTransferred() == transferred && s.connectionAttempts() == 4 * 3000 + 5
                        && s.successfulConnections() == 6000 && s.failedConnections() == 3000
                        && s.authAttempts() == 9000 && s.authFailures() == 3000
                        && s.bytesProxied() == 3 * 30_000 + 500 && s.currentBytesProxied() == 500
                        && s.clientBytes() == 3 * 40_000 && s.avgReadSize() == 32;
            }, "cluster totals on " + Cluster.get(n.kit().system()).selfMember().address());
        }
        Metrics.Nodes listed = nodes.get(0).nodes();
        assertEquals(3, listed.nodes().size(), listed.toString());
        assertTrue(listed.nodes().stream().allMatch(x -> x.status().equals("up")), listed.toString());
    }

    @Test
    @Order(5)
    void aNodeStoppedAbruptlyDropsOutOfTheCurrentTotals() {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        eventually(() -> a.metrics().currentConnections() == 5, "B's 5 open connections counted on A");
        long historic = a.metrics().historicConnections();
        // No leave: the actor system stops without coordinated shutdown, as a crashed process would.
        b.kit().system().terminate();
        eventually(() -> a.metrics().currentConnections() == 0, "B's connections gone from A's totals");
        Metrics.Snapshot after = a.metrics();
        assertEquals(historic, after.historicConnections(), "B's history stays in the totals");
        assertEquals(0, after.currentBytesProxied());
        eventually(() -> java.util.stream.StreamSupport.stream(
                Cluster.get(a.kit().system()).state().getMembers().spliterator(), false).count() == 2, "B removed by the resolver");
        // The rest still serve: a user added on A reaches C.
        assertInstanceOf(UserDirectory.Added.class, a.add("carol", "pw"));
        eventually(() -> nodes.get(2).authenticates("carol", "pw"), "carol on C");
    }
}
