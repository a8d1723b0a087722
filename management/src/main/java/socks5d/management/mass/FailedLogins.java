package socks5d.management.mass;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the count of consecutive failed MASS logins per client address, to slow password guessing
 * (docs/protocols/mass.md, Login). A MASS connection carries one login, so a guesser reconnects:
 * the count is kept per address, across connections. The n-th consecutive failure is answered after
 * min((n - 1) x {@link #DELAY_STEP}, {@link #DELAY_MAX}); a successful login, or
 * {@link #FORGET_AFTER} without a failure, resets it. At most {@link #MAX_ADDRESSES} addresses are
 * remembered (the least recently failed is forgotten first), so memory stays bounded. Confined to
 * its actor: the table is a plain field changed only by its message handlers.
 */
public final class FailedLogins extends AbstractBehavior<FailedLogins.Command> {
    /** Each consecutive failure after the first waits this much longer ... */
    public static final Duration DELAY_STEP = Duration.ofMillis(200);
    /** ... up to this. */
    public static final Duration DELAY_MAX = Duration.ofSeconds(2);
    /** A quiet address starts again from no delay. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    static final int MAX_ADDRESSES = 10_000;

    public sealed interface Command {
    }

    /** A login from {@code client} failed; replies how long to hold back the failure reply. */
    public record Failed(InetAddress client, ActorRef<Delay> replyTo) implements Command {
    }

    /** A login from {@code client} succeeded: its count starts again. */
    public record Succeeded(InetAddress client) implements Command {
    }

    public record Delay(Duration delay) {
    }

    private record Entry(int failures, long lastNanos) {
    }

    private final LongSupplier nanoClock;
    /** Access order, so the eldest entry is the least recently failed address. */
    private final Map<InetAddress, Entry> table = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Entry> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public static Behavior<Command> create() {
        return create(System::nanoTime);
    }

    /** As {@link #create()} with the clock given (tests). */
    static Behavior<Command> create(LongSupplier nanoClock) {
        return Behaviors.setup(context -> new FailedLogins(context, nanoClock));
    }

    private FailedLogins(ActorContext<Command> context, LongSupplier nanoClock) {
        super(context);
        this.nanoClock = nanoClock;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Failed.class, this::onFailed)
                .onMessage(Succeeded.class, this::onSucceeded)
                .build();
    }

    private Behavior<Command> onFailed(Failed m) {
        long now = nanoClock.getAsLong();
        Entry previous = table.get(m.client());
        int failures = previous == null || now - previous.lastNanos() > FORGET_AFTER.toNanos()
                ? 1 : previous.failures() + 1;
        table.put(m.client(), new Entry(failures, now));
        long steps = Math.min(failures - 1L, DELAY_MAX.toMillis() / DELAY_STEP.toMillis());
        m.replyTo().tell(new Delay(DELAY_STEP.multipliedBy(steps)));
        return this;
    }

    private Behavior<Command> onSucceeded(Succeeded m) {
        table.remove(m.client());
        return this;
    }
}
