package socks5d.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

/** Tests of {@link OptionalDuration#read}: the one reading of a duration key where 0 or off means never. */
final class OptionalDurationTest {

    private static Optional<Duration> read(String value) {
        return OptionalDuration.read(ConfigFactory.parseString("a.timeout = " + value), "a.timeout");
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
}
