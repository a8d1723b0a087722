package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import socks5d.management.switches.Switches;

/**
 * Tests of {@link ServerSettings#fromConfig}: the whole configuration is read once, a bad value anywhere
 * fails there with the key's name (Main turns it into exit 2, docs/operations.md, Exit codes), and the
 * switches at start have one conversion, {@link Switches.State#fromConfig}.
 */
final class ServerSettingsTest {

    static Config with(String overrides) {
        return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
    }

    @Test
    void readsEveryPartFromTheReferenceDefaults() {
        ServerSettings s = ServerSettings.fromConfig(with(""));
        assertEquals(1080, s.proxy().port());
        assertEquals(8080, s.management().mcp().port());
        assertEquals(8082, s.http().port());
        assertEquals(new Switches.State(true, true, 64 * 1024), s.state().switches());
        assertEquals(false, s.cluster().enabled());
        assertEquals("text", s.logFormat());
        assertEquals(s.management().loginThrottle(), s.http().loginThrottle());
    }

    @Test
    void theSwitchesAtStartHaveOneConversion() {
        Config c = with("""
                socks5d.management.switches.auth-required = off
                socks5d.management.switches.dissectors = no
                socks5d.management.switches.relay-buffer-size = 8k
                """);
        Switches.State expected = new Switches.State(false, false, 8192);
        assertEquals(expected, Switches.State.fromConfig(c));
        assertEquals(expected, ServerSettings.fromConfig(c).state().switches());
    }

    @Test
    void configuredPortsLeaveOutDisabledListeners() {
        ServerSettings s = ServerSettings.fromConfig(with("""
                socks5d.proxy.port = 1081
                socks5d.management.mcp.port = 0
                socks5d.management.mass.port = 1081
                socks5d.management.pctp.port = 9091
                socks5d.management.http.port = 0
                """));
        assertEquals(Set.of(1081, 9091), s.configuredPorts());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "socks5d.proxy.max-clients = -1                        | socks5d.proxy.max-clients",
        "socks5d.proxy.idle-timeout = -1s                      | socks5d.proxy.idle-timeout",
        "socks5d.management.mcp.port = 70000                   | socks5d.management.mcp.port",
        "socks5d.management.pctp.idle-timeout = on             | socks5d.management.pctp.idle-timeout",
        "socks5d.management.http.log-lines = 5000              | socks5d.management.http.log-lines",
        "socks5d.management.users.max-users = 0                | socks5d.management.users.max-users",
        "socks5d.management.switches.relay-buffer-size = 1k    | socks5d.management.switches.relay-buffer-size",
        "socks5d.management.switches.relay-buffer-size = 8g    | socks5d.management.switches.relay-buffer-size",
        "socks5d.cluster.name = \"a b\"                          | socks5d.cluster.name",
        "socks5d.proxy.log-format = xml                        | --log-format",
    })
    void rejectsABadValueNamingItsKey(String override, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.fromConfig(with(override)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
