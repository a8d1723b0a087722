package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;

import picocli.CommandLine;

/** README, Command line and Cluster: the cluster flags become socks5d.cluster keys and turn cluster mode on. */
class ClusterFlagsTest {
    private static Config config(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void noClusterFlagNoClusterMode() {
        assertFalse(config("-p", "0").getBoolean("socks5d.cluster.enabled"));
    }

    @Test
    void clusterFlagsSetTheKeysAndTurnClusterModeOn() {
        Config c = config("--cluster-host", "127.0.0.2", "--cluster-port", "2600", "--cluster-name", "eu",
                "--seed-node", "127.0.0.2:2600", "--seed-node", "127.0.0.3:2600");
        assertTrue(c.getBoolean("socks5d.cluster.enabled"));
        assertEquals("127.0.0.2", c.getString("socks5d.cluster.host"));
        assertEquals(2600, c.getInt("socks5d.cluster.port"));
        assertEquals("eu", c.getString("socks5d.cluster.name"));
        assertEquals(List.of("127.0.0.2:2600", "127.0.0.3:2600"), c.getStringList("socks5d.cluster.seed-nodes"));
        assertTrue(config("--seed-node", "h:1").getBoolean("socks5d.cluster.enabled"));
    }

    @Test
    void badClusterValuesAreUsageErrors() {
        MainTest.assertBadUsage("70000", "--cluster-port", "70000");
        MainTest.assertBadUsage("HOST:PORT", "--seed-node", "nohost");
        MainTest.assertBadUsage("socks5d.cluster.name", "--cluster-name", "a b");
    }
}
