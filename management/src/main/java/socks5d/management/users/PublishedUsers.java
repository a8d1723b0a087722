package socks5d.management.users;

/**
 * Where the {@link UserDirectory} publishes its {@link UserSnapshot} for readers on other threads.
 * Only the directory writes it; the data plane reads the latest snapshot without asking the actor.
 * Thread-safe (one volatile reference).
 */
public final class PublishedUsers {
    private volatile UserSnapshot current = UserSnapshot.EMPTY;

    public UserSnapshot current() {
        return current;
    }

    void publish(UserSnapshot snapshot) {
        current = snapshot;
    }
}
