package socks5d.management;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import socks5d.management.accesslog.AccessLog;
import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.PublishedUsers;
import socks5d.management.users.UserDirectory;

/**
 * What the management servers ask of the state actors ({@link StateActors}), one method per
 * question, each an ask with this client's timeout: a stage that completes with the actor's reply
 * or fails with a timeout. The protocols map the replies to their own statuses. Immutable; safe
 * from any thread.
 */
public final class StateClient {
    /** One login refused at once or answered late by a login throttle, for the metrics. */
    private static final Metrics.LimitEvents LOGIN_THROTTLED = new Metrics.LimitEvents(0, 0, 0, 1, 0);

    private final StateActors state;
    private final Duration timeout;
    private final Scheduler scheduler;

    public StateClient(StateActors state, Duration timeout, Scheduler scheduler) {
        this.state = state;
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    /** The same actors asked with another timeout (e.g. longer for changes that write the user file). */
    public StateClient withTimeout(Duration other) {
        return new StateClient(state, other, scheduler);
    }

    // ------------------------------------------------------------------------------ users

    public CompletionStage<UserDirectory.AuthReply> authenticate(String user, String password) {
        return AskPattern.ask(state.users(), replyTo -> new UserDirectory.Authenticate(user, password, replyTo),
                timeout, scheduler);
    }

    /** Whether {@code reply} is the successful login of an ADMIN user. */
    public static boolean isAdmin(UserDirectory.AuthReply reply) {
        return reply instanceof UserDirectory.Authenticated a && a.user().role() == UserDirectory.Role.ADMIN;
    }

    public CompletionStage<UserDirectory.AddUserReply> addUser(String name, String password, UserDirectory.Role role) {
        return AskPattern.ask(state.users(), replyTo -> new UserDirectory.AddUser(name, password, role, replyTo),
                timeout, scheduler);
    }

    /** Adds the user or replaces its password and role (the {@code -u} flag at start). */
    public CompletionStage<UserDirectory.AddUserReply> putUser(String name, String password, UserDirectory.Role role) {
        return AskPattern.ask(state.users(), replyTo -> new UserDirectory.PutUser(name, password, role, replyTo),
                timeout, scheduler);
    }

    public CompletionStage<UserDirectory.RemoveUserReply> removeUser(String name) {
        return AskPattern.ask(state.users(), replyTo -> new UserDirectory.RemoveUser(name, replyTo), timeout, scheduler);
    }

    /** Every user, by name. */
    public CompletionStage<UserDirectory.UserList> listUsers() {
        return AskPattern.ask(state.users(), UserDirectory.ListUsers::new, timeout, scheduler);
    }

    public CompletionStage<UserDirectory.SetLimitsReply> setLimits(String name, UserDirectory.Limits limits) {
        return AskPattern.ask(state.users(), replyTo -> new UserDirectory.SetLimits(name, limits, replyTo),
                timeout, scheduler);
    }

    /** The users as the data plane reads them (no ask). */
    public PublishedUsers publishedUsers() {
        return state.publishedUsers();
    }

    // ---------------------------------------------------------------------------- metrics

    public CompletionStage<Metrics.Snapshot> snapshot() {
        return AskPattern.ask(state.metrics(), Metrics.GetSnapshot::new, timeout, scheduler);
    }

    /** The snapshot with the observations and latencies behind /metrics and the status page. */
    public CompletionStage<Metrics.Detail> detail() {
        return AskPattern.ask(state.metrics(), Metrics.GetDetail::new, timeout, scheduler);
    }

    /** One line per cluster node; none when not in a cluster. */
    public CompletionStage<Metrics.Nodes> nodes() {
        return AskPattern.ask(state.metrics(), Metrics.GetNodes::new, timeout, scheduler);
    }

    /** Counts one login a throttle refused at once or answered late (a tell). */
    public void loginThrottled() {
        state.metrics().tell(LOGIN_THROTTLED);
    }

    // --------------------------------------------------------------------------- switches

    public CompletionStage<Switches.State> switches() {
        return AskPattern.ask(state.switches(), Switches.GetState::new, timeout, scheduler);
    }

    public CompletionStage<Switches.State> setAuthRequired(boolean on) {
        return AskPattern.ask(state.switches(), replyTo -> new Switches.SetAuthRequired(on, replyTo), timeout, scheduler);
    }

    public CompletionStage<Switches.State> setDissectors(boolean on) {
        return AskPattern.ask(state.switches(), replyTo -> new Switches.SetDissectors(on, replyTo), timeout, scheduler);
    }

    public CompletionStage<Switches.SetReply> setRelayBufferSize(int bytes) {
        return AskPattern.ask(state.switches(), replyTo -> new Switches.SetRelayBufferSize(bytes, replyTo),
                timeout, scheduler);
    }

    // -------------------------------------------------------------------------- access log

    /** The last {@code n} entries of the access log ring. */
    public CompletionStage<AccessLog.Recent> recent(int n) {
        return AskPattern.ask(state.accessLog(), replyTo -> new AccessLog.GetRecent(n, replyTo), timeout, scheduler);
    }
}
