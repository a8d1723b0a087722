package socks5d.management.http;

import java.util.concurrent.CompletableFuture;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Whether this node should get traffic (docs/operations.md, Health checks): ready once the SOCKS
 * listener is bound and the user directory has loaded its users, and not ready any more from the
 * first phase of a graceful shutdown on, so that a load balancer drains the node while open sessions
 * finish. Three one-way flags, each set once by whoever learns the fact; safe from any thread.
 */
public final class Readiness {
    private volatile boolean socksBound;
    private volatile boolean usersLoaded;
    private volatile boolean draining;

    /** A readiness that turns to draining in the first phase of {@code system}'s CoordinatedShutdown. */
    public static Readiness watching(ActorSystem<?> system) {
        Readiness r = new Readiness();
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "readiness-draining",
                () -> {
                    r.draining();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        return r;
    }

    public void socksBound() {
        socksBound = true;
    }

    public void usersLoaded() {
        usersLoaded = true;
    }

    public void draining() {
        draining = true;
    }

    /** Why the node is not ready, or {@code null} when it is. */
    public String notReadyBecause() {
        if (draining) {
            return "shutting down: draining open sessions";
        }
        if (!usersLoaded) {
            return "starting: users not loaded yet";
        }
        if (!socksBound) {
            return "starting: SOCKS listener not bound yet";
        }
        return null;
    }
}
