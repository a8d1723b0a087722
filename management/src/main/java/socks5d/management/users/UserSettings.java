package socks5d.management.users;

import java.nio.file.Path;

import com.typesafe.config.Config;

/**
 * Settings of the {@link UserDirectory} read once from {@code socks5d.management.users}.
 *
 * @param dataDir          where the user file lives ({@code --data-dir})
 * @param maxUsers         the most users the directory holds (USER_LIMIT past it)
 * @param hashIterations   PBKDF2 iterations per password hash
 * @param stashCapacity    messages held while the user file loads at start
 */
public record UserSettings(Path dataDir, int maxUsers, int hashIterations, int stashCapacity) {
    public UserSettings {
        if (maxUsers < 1) {
            throw new IllegalArgumentException("socks5d.management.users.max-users must be at least 1");
        }
        if (hashIterations < 1) {
            throw new IllegalArgumentException("socks5d.management.users.hash-iterations must be at least 1");
        }
        if (stashCapacity < 1) {
            throw new IllegalArgumentException("socks5d.management.users.stash-capacity must be at least 1");
        }
    }

    public static UserSettings fromConfig(Config root) {
        Config c = root.getConfig("socks5d.management.users");
        return new UserSettings(Path.of(c.getString("data-dir")), c.getInt("max-users"),
                c.getInt("hash-iterations"), c.getInt("stash-capacity"));
    }
}
