package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.Config;

import picocli.CommandLine;

/** README, Command line and Cluster: the cluster flags become socks5d.cluster keys; --cluster-host turns cluster mode on. */
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
                "--seed-nodes", "127.0.0.2:2600,127.0.0.3:2600");
        assertTrue(c.getBoolean("socks5d.cluster.enabled"));
        assertEquals("127.0.0.2", c.getString("socks5d.cluster.host"));
        assertEquals(2600, c.getInt("socks5d.cluster.port"));
        assertEquals("eu", c.getString("socks5d.cluster.name"));
        assertEquals(List.of("127.0.0.2:2600", "127.0.0.3:2600"), c.getStringList("socks5d.cluster.seed-nodes"));
        assertTrue(config("--cluster-host", "127.0.0.2").getBoolean("socks5d.cluster.enabled"));
    }

    @Test
    void theOtherClusterFlagsNeedClusterHost(@TempDir Path tmp) throws Exception {
        MainTest.assertBadUsage("--cluster-host", "--seed-nodes", "h:1");
        MainTest.assertBadUsage("--cluster-host", "--cluster-port", "2600");
        MainTest.assertBadUsage("--cluster-host", "--cluster-name", "eu");
        Path on = Files.writeString(tmp.resolve("cluster.conf"), "socks5d.cluster.enabled = on\n");
        assertEquals(2600, config("--config", on.toString(), "--cluster-port", "2600").getInt("socks5d.cluster.port"));
    }

    @Test
    void seedNodesAreACommaListAndRepeatableAndSeedNodeIsTheSameFlag() {
        assertEquals(List.of("a:1", "[::1]:2", "c:3", "d:4", "e:5", "f:6"), config("--cluster-host", "127.0.0.1", "--seed-nodes", "a:1,[::1]:2",
                "--seed-nodes", "c:3", "--seed-node", "d:4", "--seed-node", "e:5,f:6")
                .getStringList("socks5d.cluster.seed-nodes"));
    }

    @Test
    void clusterDefaultsAreThoseOfTheReadme() {
        Config c = config("--cluster-host", "127.0.0.2");
        assertEquals(7355, c.getInt("socks5d.cluster.port"));
        assertEquals("socks5d", c.getString("socks5d.cluster.name"));
        assertEquals(List.of(), c.getStringList("socks5d.cluster.seed-nodes"));
    }

    @Test
    void badClusterValuesAreUsageErrors() {
        MainTest.assertBadUsage("70000", "--cluster-port", "70000");
        MainTest.assertBadUsage("HOST:PORT", "--cluster-host", "127.0.0.1", "--seed-nodes", "nohost");
        MainTest.assertBadUsage("HOST:PORT", "--cluster-host", "127.0.0.1", "--seed-nodes", "a:1,nohost");
        MainTest.assertBadUsage("socks5d.cluster.name", "--cluster-host", "127.0.0.1", "--cluster-name", "a b");
    }
}
