package socks5d.management.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

class ClusterSettingsTest {
    private static ClusterSettings settings(String hocon) {
        return ClusterSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
    }

    @Test
    void offByDefault() {
        ClusterSettings s = settings("");
        assertFalse(s.enabled());
        assertEquals("socks5d", s.systemName("socks5d"));
    }

    @Test
    void seedNodesBecomePekkoAddresses() {
        ClusterSettings s = settings("""
                socks5d.cluster { enabled = on, name = eu-1, host = "10.0.0.1", port = 2552
                  seed-nodes = ["10.0.0.1:2552", "[::1]:2553", "::1:2554", "pekko://eu-1@h:1"] }""");
        assertEquals(List.of("pekko://eu-1@10.0.0.1:2552", "pekko://eu-1@[::1]:2553", "pekko://eu-1@[::1]:2554",
                "pekko://eu-1@h:1"), s.seedNodes());
        assertEquals("eu-1", s.systemName("socks5d"));
        assertFalse(s.loopback());
        Config pekko = s.pekkoConfig();
        assertEquals("cluster", pekko.getString("pekko.actor.provider"));
        assertEquals("tcp", pekko.getString("pekko.remote.artery.transport"));
        assertEquals(2552, pekko.getInt("pekko.remote.artery.canonical.port"));
        assertEquals("keep-majority", pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    }

    @Test
    void tlsSelectsArteryTlsTcpWithTheKeyStores() {
        Config pekko = settings("""
                socks5d.cluster { enabled = on, tls { enabled = on, key-store = "/k.p12", key-store-password = kp,
                  key-password = kk, trust-store = "/t.p12", trust-store-password = tp } }""").pekkoConfig();
        assertEquals("tls-tcp", pekko.getString("pekko.remote.artery.transport"));
        assertEquals("/k.p12", pekko.getString("pekko.remote.artery.ssl.config-ssl-engine.key-store"));
        assertEquals("tp", pekko.getString("pekko.remote.artery.ssl.config-ssl-engine.trust-store-password"));
    }

    @Test
    void loopbackHostNeedsNoTls() {
        assertTrue(settings("socks5d.cluster.host = \"127.0.0.2\"").loopback());
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> settings("socks5d.cluster.seed-nodes = [\"nohost\"]"));
        assertThrows(IllegalArgumentException.class, () -> settings("socks5d.cluster.seed-nodes = [\"h:0\"]"));
        assertThrows(IllegalArgumentException.class, () -> settings("socks5d.cluster.name = \"a b\""));
        assertThrows(IllegalArgumentException.class, () -> settings("socks5d.cluster.port = 70000"));
    }

    @Test
    void aLoneNodeBindsNoRemotingSerializer() {
        Config alone = ClusterSettings.withoutClusterSerializers(ConfigFactory.load());
        Config merged = alone.withFallback(ConfigFactory.defaultReference());
        for (var e : merged.getObject("pekko.actor.serializers").entrySet()) {
            String cls = String.valueOf(e.getValue().unwrapped());
            assertFalse(cls.startsWith("org.apache.pekko.remote.") || cls.startsWith("org.apache.pekko.cluster."), cls);
        }
        for (var e : merged.getObject("pekko.actor.serialization-bindings").entrySet()) {
            String to = String.valueOf(e.getValue().unwrapped());
            assertTrue(to.equals("none") || merged.hasPath("pekko.actor.serializers." + to), e.getKey() + " -> " + to);
        }
    }
}
