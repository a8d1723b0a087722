package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

class ManagementSettingsTest {
    private static Config with(Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference());
    }

    @Test
    void readsTheReferenceDefaults() {
        assertEquals(new ManagementSettings("127.0.0.1", Duration.ofSeconds(5),
                        new ManagementSettings.Mcp(8080, Optional.of(Duration.ofMinutes(10))),
                        new ManagementSettings.Mass(8081, false, Duration.ofSeconds(30)),
                        new ManagementSettings.Pctp(9090, 1024, Optional.of(Duration.ofMinutes(10)))),
                ManagementSettings.fromConfig(ConfigFactory.defaultReference()));
    }

    @Test
    void zeroOrOffIdleTimeoutMeansNone() {
        ManagementSettings s = ManagementSettings.fromConfig(with(Map.of(
                "socks5d.management.mcp.idle-timeout", "off",
                "socks5d.management.pctp.idle-timeout", "0s")));
        assertEquals(Optional.empty(), s.mcp().idleTimeout());
        assertEquals(Optional.empty(), s.pctp().idleTimeout());
        ManagementSettings b = ManagementSettings.fromConfig(with(Map.of("socks5d.management.mcp.idle-timeout", false)));
        assertEquals(Optional.empty(), b.mcp().idleTimeout());
    }

    @Test
    void portZeroDisablesAListener() {
        ManagementSettings s = ManagementSettings.fromConfig(with(Map.of("socks5d.management.mass.port", 0)));
        assertEquals(false, s.mass().enabled());
        assertEquals(true, s.mcp().enabled());
    }

    @Test
    void failsFastOnBadValues() {
        assertThrows(IllegalArgumentException.class,
                () -> ManagementSettings.fromConfig(with(Map.of("socks5d.management.mcp.port", 70000))));
        assertThrows(IllegalArgumentException.class,
                () -> ManagementSettings.fromConfig(with(Map.of("socks5d.management.pctp.port", -1))));
        assertThrows(IllegalArgumentException.class,
                () -> ManagementSettings.fromConfig(with(Map.of("socks5d.management.ask-timeout", "0s"))));
        assertThrows(IllegalArgumentException.class,
                () -> ManagementSettings.fromConfig(with(Map.of("socks5d.management.pctp.max-line", 0))));
        assertThrows(IllegalArgumentException.class,
                () -> ManagementSettings.fromConfig(with(Map.of("socks5d.management.mcp.idle-timeout", true))));
        assertThrows(com.typesafe.config.ConfigException.class,
                () -> ManagementSettings.fromConfig(with(Map.of("socks5d.management.mcp.idle-timeout", "soon"))));
    }
}
