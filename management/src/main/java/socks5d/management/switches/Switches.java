package socks5d.management.switches;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Owns the live switches (SPEC §4, §7, §8): SOCKS authentication required or not, password
 * dissectors on or off, and the relay buffer size for new connections (PCTP CONFIG IO=).
 * Subscribers receive the current {@link State} at once and again after every change, so the
 * proxy reads them without an ask per connection. Confined to its actor.
 */
public final class Switches {
    /** Smallest and largest relay buffer PCTP may set (SPEC §8). */
    public static final int MIN_RELAY_BUFFER = 4096;
    public static final int MAX_RELAY_BUFFER = 1 << 20;

    public record State(boolean authRequired, boolean dissectorsOn, int relayBufferSize) {
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

    private Switches() {
    }

    public static Behavior<Command> create(State initial) {
        throw new UnsupportedOperationException("implemented in the management-state work");
    }
}
