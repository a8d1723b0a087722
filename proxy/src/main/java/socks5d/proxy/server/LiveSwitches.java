package socks5d.proxy.server;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import socks5d.management.switches.Switches;

/**
 * The latest {@link Switches.State}, pushed by the switches actor to a subscriber, so that each
 * new SOCKS connection reads the switches without asking an actor (docs/protocols/mcp.md: changes take effect
 * for the next session). The switches actor stays the only owner and writer of the state; this
 * is a read-only copy. Safe from any thread.
 */
public final class LiveSwitches {
    private final AtomicReference<Switches.State> current;

    private LiveSwitches(Switches.State initial) {
        this.current = new AtomicReference<>(initial);
    }

    public Switches.State get() {
        return current.get();
    }

    /** Spawns a subscriber under {@code context} that keeps the copy up to date. */
    public static LiveSwitches subscribe(ActorContext<?> context, ActorRef<Switches.Command> switches,
                                         Switches.State initial) {
        LiveSwitches live = new LiveSwitches(initial);
        ActorRef<Switches.State> subscriber = context.spawn(live.subscriber(), "live-switches");
        switches.tell(new Switches.Subscribe(subscriber));
        return live;
    }

    private Behavior<Switches.State> subscriber() {
        return Behaviors.receive(Switches.State.class)
                .onMessage(Switches.State.class, this::onState)
                .build();
    }

    private Behavior<Switches.State> onState(Switches.State state) {
        current.set(state);
        return Behaviors.same();
    }
}
