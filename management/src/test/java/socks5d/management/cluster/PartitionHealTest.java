package socks5d.management.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

/**
 * Two sides of a partition change the same users while they cannot reach each other, then heal. The
 * partition is simulated by two nodes that each form a cluster of their own (as two sides do once
 * the split brain resolver has split them); a node that was a member of another cluster cannot join
 * a new one, so the healing is the minority side's restart on its data directory (what an operator
 * does with a node the resolver downed) and its join: every conflict resolves the same way on both
 * sides, the later change winning, a delete like any other change, and the restarted node's own
 * acknowledged changes survive the restart and reach the other side.
 */
class PartitionHealTest {
    @TempDir
    Path dir;

    @Test
    void concurrentChangesOnBothSidesConvergeByLastWriterAfterHealing() throws Exception {
        ClusterSimulationTest.Node x = ClusterSimulationTest.start(dir.resolve("x"));
        ClusterSimulationTest.Node y = ClusterSimulationTest.start(dir.resolve("y"));
        try {
            ClusterSimulationTest.join(x, x);
            ClusterSimulationTest.join(y, y);
            ClusterSimulationTest.awaitUp(List.of(x));
            ClusterSimulationTest.awaitUp(List.of(y));

            // Each side's change is acknowledged without the other (a majority of its own cluster).
            assertInstanceOf(UserDirectory.Added.class, x.add("dora", "x-side"));
            assertInstanceOf(UserDirectory.Added.class, y.add("paul", "y-side-1"));
            Thread.sleep(5);
            assertInstanceOf(UserDirectory.Added.class, y.add("dora", "y-side")); // later: wins
            assertInstanceOf(UserDirectory.Added.class, x.add("paul", "x-side")); // later: wins
            Thread.sleep(5);
            assertInstanceOf(UserDirectory.Removed.class, x.remove("paul"));     // later still: delete wins
            assertInstanceOf(UserDirectory.Added.class, y.add("only-y", "pw"));
            Thread.sleep(5);
            org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<Switches.State> p = x.kit().createTestProbe();
            x.state().switches().tell(new Switches.SetAuthRequired(false, p.getRef()));
            p.receiveMessage(ClusterSimulationTest.WAIT);

            // Heal: y's side restarts on its data directory and joins x's.
            y.kit().shutdownTestKit();
            ClusterSimulationTest.Node y2 = ClusterSimulationTest.start(dir.resolve("y"));
            y = y2;
            ClusterSimulationTest.join(y2, x);
            ClusterSimulationTest.awaitUp(List.of(x, y2));

            for (ClusterSimulationTest.Node n : List.of(x, y2)) {
                ClusterSimulationTest.eventually(() -> n.authenticates("dora", "y-side")
                        && !n.users().contains("paul") && n.users().contains("only-y")
                        && !n.switches().authRequired(), "converged");
                assertFalse(n.authenticates("dora", "x-side"));
                assertTrue(n.authenticates("only-y", "pw"));
            }
            assertEquals(x.users(), y2.users());
        } finally {
            x.kit().shutdownTestKit();
            y.kit().shutdownTestKit();
        }
    }
}
