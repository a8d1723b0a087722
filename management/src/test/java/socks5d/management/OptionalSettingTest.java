package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

/** Tests of {@link OptionalSetting}: the one reading of a duration or size key where 0 or off means never. */
final class OptionalSettingTest {

    private static Optional<Duration> read(String value) {
        return OptionalSetting.duration(ConfigFactory.parseString("a.timeout = " + value), "a.timeout");
    }

    private static OptionalLong bytes(String value) {
        return OptionalSetting.bytes(ConfigFactory.parseString("a.size = " + value), "a.size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "OFF", "false", "no", "0", "0s", "\"off\""})
    void zeroOrOffMeansNever(String value) {
        assertEquals(Optional.empty(), read(value));
    }

    @Test
    void aDurationIsKept() {
        assertEquals(Optional.of(Duration.ofMinutes(10)), read("10m"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "true", "yes", "-1s"})
    void onOrANegativeDurationIsRefusedNamingTheKey(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(value));
        assertTrue(e.getMessage().startsWith("a.timeout "), e.getMessage());
    }

    @Test
    void aValueThatIsNoDurationIsAConfigError() {
        assertThrows(ConfigException.class, () -> read("soon"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "OFF", "false", "no", "0", "0B", "\"off\""})
    void aSizeOfZeroOrOffMeansNever(String value) {
        assertEquals(OptionalLong.empty(), bytes(value));
    }

    @Test
    void aSizeIsKept() {
        assertEquals(OptionalLong.of(64 * 1024), bytes("64 KiB"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "true", "yes"})
    void onIsRefusedForASizeNamingTheKey(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bytes(value));
        assertTrue(e.getMessage().startsWith("a.size "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1"})
    void aValueThatIsNoSizeOrANegativeOneIsAConfigError(String value) {
        assertThrows(ConfigException.class, () -> bytes(value));
    }
}
