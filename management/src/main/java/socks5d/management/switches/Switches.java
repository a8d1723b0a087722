package socks5d.management.switches;

import java.util.HashSet;
import java.util.Set;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import com.typesafe.config.Config;

/**
 * Owns the live switches (docs/protocols/): SOCKS authentication required or not, password
 * dissectors on or off, and the relay buffer size for new connections (PCTP CONFIG IO=).
 * Subscribers receive the current {@link State} at once and again after every change, so the
 * proxy reads them without an ask per connection. Confined to its actor: the state and the
 * subscriber set are fields changed only by its message handlers; subscribers are watched and
 * dropped when they stop.
 */
public final class Switches extends AbstractBehavior<Switches.Command> {
    /** Smallest and largest relay buffer (docs/protocols/pctp.md, CONFIG IO). */
    public static final int MIN_RELAY_BUFFER = 4096;
    public static final int MAX_RELAY_BUFFER = 1 << 20;

    public record State(boolean authRequired, boolean dissectorsOn, int relayBufferSize) {
        /**
         * The switches at start, read from {@code socks5d.management.switches} (reference.conf): the one
         * conversion of those keys, used by the server and by every test that spawns the actors.
         *
         * @throws IllegalArgumentException naming the key when the relay buffer size is out of range
         */
        public static State fromConfig(Config root) {
            Config c = root.getConfig("socks5d.management.switches");
            long size = c.getBytes("relay-buffer-size");
            String why = invalidRelayBufferSize((int) Math.min(Integer.MAX_VALUE, size));
            if (why != null) {
                throw new IllegalArgumentException("socks5d.management.switches.relay-buffer-size: " + why);
            }
            return new State(c.getBoolean("auth-required"), c.getBoolean("dissectors"), (int) size);
        }
    }

    public sealed interface Command {
    }

    public record GetState(ActorRef<State> replyTo) implements Command {
    }

    public record SetAuthRequired(boolean required, ActorRef<State> replyTo) implements Command {
    }

    public record SetDissectors(boolean on, ActorRef<State> replyTo) implements Command {
    }

    /** Sets the relay buffer of new connections; a size outside 4096..1 MiB gets {@link Rejected}. */
    public record SetRelayBufferSize(int bytes, ActorRef<SetReply> replyTo) implements Command {
    }

    public sealed interface SetReply {
    }

    public record Changed(State state) implements SetReply {
    }

    public record Rejected(String why) implements SetReply {
    }

    /** Sends the current state to {@code subscriber} now and after every change, until it stops. */
    public record Subscribe(ActorRef<State> subscriber) implements Command {
    }

    /**
     * The switches as another node of the cluster set them (docs/design.md, Cluster): taken as they
     * are, after the same range check as a local change.
     */
    public record Adopt(State state) implements Command {
    }

    private record SubscriberTerminated(ActorRef<State> subscriber) implements Command {
    }

    private State state;
    private final Set<ActorRef<State>> subscribers = new HashSet<>();

    private Switches(ActorContext<Command> context, State initial) {
        super(context);
        this.state = initial;
    }

    public static Behavior<Command> create(State initial) {
        String why = invalidRelayBufferSize(initial.relayBufferSize());
        if (why != null) {
            throw new IllegalArgumentException("socks5d.management.switches.relay-buffer-size: " + why);
        }
        return Behaviors.setup(context -> new Switches(context, initial));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetState.class, this::onGetState)
                .onMessage(SetAuthRequired.class, this::onSetAuthRequired)
                .onMessage(SetDissectors.class, this::onSetDissectors)
                .onMessage(SetRelayBufferSize.class, this::onSetRelayBufferSize)
                .onMessage(Adopt.class, this::onAdopt)
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(SubscriberTerminated.class, this::onSubscriberTerminated)
                .build();
    }

    private Behavior<Command> onGetState(GetState m) {
        m.replyTo().tell(state);
        return this;
    }

    private Behavior<Command> onSetAuthRequired(SetAuthRequired m) {
        change(new State(m.required(), state.dissectorsOn(), state.relayBufferSize()));
        m.replyTo().tell(state);
        return this;
    }

    private Behavior<Command> onSetDissectors(SetDissectors m) {
        change(new State(state.authRequired(), m.on(), state.relayBufferSize()));
        m.replyTo().tell(state);
        return this;
    }

    private Behavior<Command> onSetRelayBufferSize(SetRelayBufferSize m) {
        String why = invalidRelayBufferSize(m.bytes());
        if (why != null) {
            getContext().getLog().warn("Relay buffer size [{}] refused: {}", m.bytes(), why);
            m.replyTo().tell(new Rejected(why));
        } else {
            change(new State(state.authRequired(), state.dissectorsOn(), m.bytes()));
            m.replyTo().tell(new Changed(state));
        }
        return this;
    }

    private Behavior<Command> onAdopt(Adopt m) {
        String why = invalidRelayBufferSize(m.state().relayBufferSize());
        if (why != null) {
            getContext().getLog().warn("Switches from the cluster refused: {}", why);
        } else {
            change(m.state());
        }
        return this;
    }

    private Behavior<Command> onSubscribe(Subscribe m) {
        if (subscribers.add(m.subscriber())) {
            getContext().watchWith(m.subscriber(), new SubscriberTerminated(m.subscriber()));
        }
        m.subscriber().tell(state);
        return this;
    }

    private Behavior<Command> onSubscriberTerminated(SubscriberTerminated m) {
        subscribers.remove(m.subscriber());
        return this;
    }

    /** Sets the state and, if it differs, logs the change and tells every subscriber. */
    private void change(State next) {
        if (next.equals(state)) {
            return;
        }
        getContext().getLog().info("Switches changed from [{}] to [{}]", state, next);
        state = next;
        subscribers.forEach(s -> s.tell(next));
    }

    /**
     * Why {@code bytes} is not a relay buffer size (docs/protocols/pctp.md, CONFIG IO), or
     * {@code null}.
     */
    static String invalidRelayBufferSize(int bytes) {
        if (bytes < MIN_RELAY_BUFFER || bytes > MAX_RELAY_BUFFER) {
            return "relay buffer size must be " + MIN_RELAY_BUFFER + " to " + MAX_RELAY_BUFFER + " bytes, not " + bytes;
        }
        return null;
    }
}
