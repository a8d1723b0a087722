package socks5d.management;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;

/**
 * The one reading of a duration key where {@code 0} or {@code off} means "never" (the idle timeouts of
 * {@code socks5d.proxy} and {@code socks5d.management}, see the modules' {@code reference.conf}), used
 * by every settings record. Pure.
 */
public final class OptionalDuration {
    private static final List<String> OFF = List.of("off", "false", "no");
    private static final List<String> ON = List.of("on", "true", "yes");

    private OptionalDuration() {
    }

    /**
     * The duration at {@code path} of {@code root}, or empty for {@code 0}, {@code off}, {@code false}
     * or {@code no} (any case).
     *
     * @throws IllegalArgumentException naming {@code path} for {@code on}/{@code true}/{@code yes} or a
     *                                  negative duration
     * @throws com.typesafe.config.ConfigException for a value that is no duration
     */
    public static Optional<Duration> read(Config root, String path) {
        ConfigValueType type = root.getValue(path).valueType();
        if (type == ConfigValueType.BOOLEAN || type == ConfigValueType.STRING) {
            String raw = root.getString(path).trim().toLowerCase(Locale.ROOT);
            if (OFF.contains(raw)) {
                return Optional.empty();
            }
            if (ON.contains(raw)) {
                throw new IllegalArgumentException(path + " must be a duration, 0 or off");
            }
        }
        Duration d = root.getDuration(path);
        if (d.isNegative()) {
            throw new IllegalArgumentException(path + " must be 0 or more");
        }
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }
}
