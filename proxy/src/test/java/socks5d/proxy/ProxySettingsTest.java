package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

/**
 * Tests of {@link ProxySettings#fromConfig}: the embedded defaults read, and every bad value
 * stops the server before it binds (docs/operations.md, Exit codes). A value of the wrong type (a port
 * {@code abc}) is Typesafe Config's {@link ConfigException}; a value of the right type out of
 * range is {@link IllegalArgumentException}. Main turns both into exit status 2.
 */
final class ProxySettingsTest {

    static ProxySettings with(String overrides) {
        return ProxySettings.fromConfig(
                ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void readsTheReferenceDefaults() {
        ProxySettings s = with("");
        assertEquals("0.0.0.0", s.listenAddress());
        assertEquals(1080, s.port());
        assertEquals(Duration.ofSeconds(10), s.handshakeTimeout());
        assertEquals(Duration.ofSeconds(10), s.connectTimeout());
        assertEquals(Duration.ofMinutes(5), s.idleTimeout());
        assertTrue(s.rules().defaultAllow());
        assertTrue(s.rules().rules().isEmpty());
        assertEquals(new ProxySettings.Limits(512, 200, true, 0, 0, 256 * 1024), s.limits());
        assertEquals(0, s.hashingThreads());
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "false", "no", "0"})
    void spliceAfterOffOrZeroMeansNever(String value) {
        assertEquals(0, with("socks5d.proxy.relay.splice-after = " + value).spliceAfter());
    }

    @Test
    void spliceAfterIsASize() {
        assertEquals(1L << 20, with("").spliceAfter(), "the default");
        assertEquals(64 * 1024, with("socks5d.proxy.relay.splice-after = 64 KiB").spliceAfter());
        assertThrows(ConfigException.class, () -> with("socks5d.proxy.relay.splice-after = -1"));
        assertThrows(ConfigException.class, () -> with("socks5d.proxy.relay.splice-after = soon"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "false", "no", "0", "0s"})
    void idleTimeoutOffOrZeroMeansNever(String value) {
        assertEquals(Duration.ZERO, with("socks5d.proxy.idle-timeout = " + value).idleTimeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "socks5d.proxy.max-clients = -1",
        "socks5d.proxy.handshake-timeout = 0s",
        "socks5d.proxy.handshake-timeout = -5s",
        "socks5d.proxy.connect-timeout = 0",
        "socks5d.proxy.resolve-timeout = 0s",
        "socks5d.proxy.metrics-flush-interval = 0s",
        "socks5d.proxy.idle-timeout = -1s",
        "socks5d.proxy.shutdown-grace = -1s",
        "socks5d.proxy.port = 70000",
        "socks5d.proxy.port = -1",
        "socks5d.proxy.backlog = 0",
        "socks5d.proxy.rules.default = maybe",
        "socks5d.proxy.rules.list = [ { action = permit } ]",
        "socks5d.proxy.limits.per-address.max-connections = -1",
        "socks5d.proxy.limits.per-address.new-per-second = -1",
        "socks5d.proxy.limits.per-user.max-sessions = -1",
        "socks5d.proxy.limits.per-user.burst = 0",
        "socks5d.proxy.hashing-threads = -1",
    })
    void rejectsOutOfRangeValues(String override) {
        assertThrows(IllegalArgumentException.class, () -> with(override));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "socks5d.proxy.port = abc",
        "socks5d.proxy.handshake-timeout = soon",
        "socks5d.proxy.idle-timeout = sometimes",
    })
    void rejectsValuesOfTheWrongType(String override) {
        assertThrows(ConfigException.class, () -> with(override));
    }

    @Test
    void acceptsZeroMaxClientsAsNoLimit() {
        assertEquals(0, with("socks5d.proxy.max-clients = 0").maxClients());
    }
}
