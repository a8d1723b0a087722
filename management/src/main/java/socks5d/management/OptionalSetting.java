package socks5d.management;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;

/**
 * The one reading of a key where {@code 0} or {@code off} means "never": the idle timeouts of
 * {@code socks5d.proxy} and {@code socks5d.management} and {@code socks5d.proxy.relay.splice-after}
 * (see the modules' {@code reference.conf}), used by every settings record. Pure.
 */
public final class OptionalSetting {
    private static final List<String> OFF = List.of("off", "false", "no");
    private static final List<String> ON = List.of("on", "true", "yes");

    private OptionalSetting() {
    }

    /**
     * The duration at {@code path} of {@code root}, or empty for {@code 0}, {@code off}, {@code false}
     * or {@code no} (any case).
     *
     * @throws IllegalArgumentException naming {@code path} for {@code on}/{@code true}/{@code yes} or a
     *                                  negative duration
     * @throws com.typesafe.config.ConfigException for a value that is no duration
     */
    public static Optional<Duration> duration(Config root, String path) {
        if (off(root, path, "a duration")) {
            return Optional.empty();
        }
        Duration d = root.getDuration(path);
        if (d.isNegative()) {
            throw new IllegalArgumentException(path + " must be 0 or more");
        }
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    /**
     * The size in bytes at {@code path} of {@code root}, or empty for {@code 0}, {@code off},
     * {@code false} or {@code no} (any case).
     *
     * @throws IllegalArgumentException naming {@code path} for {@code on}/{@code true}/{@code yes}
     * @throws com.typesafe.config.ConfigException for a value that is no size, or a negative one
     */
    public static OptionalLong bytes(Config root, String path) {
        if (off(root, path, "a size")) {
            return OptionalLong.empty();
        }
        long n = root.getBytes(path);
        return n == 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /** Whether the value is a word for off; a word for on is refused, as it says no {@code what}. */
    private static boolean off(Config root, String path, String what) {
        ConfigValueType type = root.getValue(path).valueType();
        if (type != ConfigValueType.BOOLEAN && type != ConfigValueType.STRING) {
            return false;
        }
        String raw = root.getString(path).trim().toLowerCase(Locale.ROOT);
        if (ON.contains(raw)) {
            throw new IllegalArgumentException(path + " must be " + what + ", 0 or off");
        }
        return OFF.contains(raw);
    }
}
