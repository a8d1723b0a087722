package socks5d.management.users;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import socks5d.wire.CredentialField;

/**
 * Owns the proxy's users (docs/operations.md, Files and permissions): names, roles, salted slow
 * password hashes, each user's own limits, the maximum user count and their persistence in the data
 * directory. This class is the actor: its protocol and the order in which things happen. What a
 * change does is decided by {@link Users}, the file format and its atomic replacement by
 * {@link UserFile}, the order of pending changes by {@link ChangeQueue}, remembered logins by
 * {@link LoginChecks} and cluster stamps by {@link HybridClock}. Hashing and file I/O run on the
 * blocking dispatcher named in {@code reference.conf} and report back by pipeToSelf.
 *
 * <p>Contract for callers (proxy handshake, MCP, MASS, PCTP, socks5ctl):
 * <ul>
 *   <li>An add or remove is acknowledged only after the new user list is durably on disk
 *       (temp file, fsync, rename), so an acknowledged change survives a crash.</li>
 *   <li>Authentication compares in constant time; an unknown user costs the same as a wrong
 *       password. A verified password may be remembered in memory as a keyed digest (never in
 *       clear) so that repeated logins of the same user do not pay the slow hash again.</li>
 * </ul>
 *
 * <p>How it works. At start the actor loads {@code users.db} on the blocking dispatcher and stashes
 * every message meanwhile; a file it cannot read makes the actor fail rather than start empty and
 * later overwrite the operator's users. Then:
 * <ul>
 *   <li>Changes (add, put, remove, set limits) enter the {@link ChangeQueue} in arrival order. Add and
 *       put hash the new password on the blocking dispatcher first, several at once; the queue hands
 *       them out in arrival order whatever order the hashes finish in. While no write is running,
 *       every ready change at the head of the queue is applied to a {@link Users.Edit} and the result
 *       is written in one atomic file replacement (group commit). Only when it is durable does it
 *       become the directory's users, published to the data plane, and do the callers get their
 *       replies; if the write fails, it is dropped and every change of the batch gets {@link Failed}.
 *       Changes arriving meanwhile wait for the next write, so writes never overlap or reorder.</li>
 *   <li>Authentication reads only the durable users and never waits for a write. The slow PBKDF2
 *       check runs on the blocking dispatcher; identical checks in flight share one computation, and
 *       a verified password is remembered until its user changes ({@link LoginChecks}). An unknown
 *       name is hashed against a dummy user so that it costs the same as a wrong password. If the
 *       user changes while a check runs, the check is repeated against the new record.</li>
 * </ul>
 *
 * <p>In a cluster (docs/design.md, Cluster) the directory is given a {@link Replication}: every
 * change gets a {@link UserRecord.Stamp}, deleted users stay as stamped tombstones, and both are
 * written to {@code users.db} (version 3) so that a restarted node knows how new its users are.
 * After a change is durable and published locally, its records go to the replica, and the callers
 * are answered once the replica reports that a majority of the nodes has them, or that it gave up
 * waiting (then the change stays local until the nodes meet again, and a WARN says so). Records of
 * other nodes arrive as {@link Merge}: those newer than the directory's own are applied through the
 * same queue, written and published like local changes.
 * Confined to its actor: the mutable fields are touched only by the actor's message handlers.
 */
public final class UserDirectory extends AbstractBehavior<UserDirectory.Command> {
    /** What a user may do: ADMIN logs in to MASS and PCTP and uses the proxy; BASIC uses the proxy only. */
    public enum Role { ADMIN, BASIC }

    /**
     * A user's own limits (docs/operations.md, Limits): sessions open at once and bandwidth in
     * bytes a second per direction, shared by its sessions. 0 is no limit; -1 is the global default
     * ({@code socks5d.proxy.limits.per-user}).
     */
    public record Limits(int maxSessions, long bandwidth) {
        public static final Limits DEFAULT = new Limits(-1, -1);

        public Limits {
            if (maxSessions < -1 || bandwidth < -1) {
                throw new IllegalArgumentException("a limit is -1 (default), 0 (none) or more");
            }
        }
    }

    /** A user as others may see it: never the password or its hash. */
    public record UserInfo(String name, Role role) {
    }

    public sealed interface Command {
    }

    /** Adds a new user; fails with {@link AlreadyExists} if the name is taken. */
    public record AddUser(String name, String password, Role role, ActorRef<AddUserReply> replyTo) implements Command {
        @Override
        public String toString() {
            // A logged message (dead letter, unhandled, debug) must not show the password
            // (docs/operations.md, Logs).
            return "AddUser[name=" + name + ", password=***, role=" + role + "]";
        }
    }

    /** Adds a user or replaces an existing one's password and role (the {@code -u} flag at start). */
    public record PutUser(String name, String password, Role role, ActorRef<AddUserReply> replyTo) implements Command {
        @Override
        public String toString() {
            return "PutUser[name=" + name + ", password=***, role=" + role + "]";
        }
    }

    public sealed interface AddUserReply {
    }

    public record Added(UserInfo user) implements AddUserReply {
    }

    public record Updated(UserInfo user) implements AddUserReply {
    }

    public enum AlreadyExists implements AddUserReply { INSTANCE }

    public enum LimitReached implements AddUserReply { INSTANCE }

    /** The name or password breaks RFC 1929's 1..255 byte rule (UTF-8 bytes). */
    public record Invalid(String why) implements AddUserReply {
    }

    /** The change could not be persisted; the directory is unchanged. */
    public record Failed(String why) implements AddUserReply, RemoveUserReply, SetLimitsReply {
    }

    public record RemoveUser(String name, ActorRef<RemoveUserReply> replyTo) implements Command {
    }

    public sealed interface RemoveUserReply {
    }

    public record Removed(UserInfo user) implements RemoveUserReply {
    }

    public enum NotFound implements RemoveUserReply, SetLimitsReply { INSTANCE }

    /** Sets {@code name}'s own limits; acknowledged once durable, like every change. */
    public record SetLimits(String name, Limits limits, ActorRef<SetLimitsReply> replyTo) implements Command {
    }

    public sealed interface SetLimitsReply {
    }

    public record LimitsSet(UserInfo user, Limits limits) implements SetLimitsReply {
    }

    /** Lists every user, sorted by name. */
    public record ListUsers(ActorRef<UserList> replyTo) implements Command {
    }

    public record UserList(List<UserInfo> users) {
        public UserList {
            users = List.copyOf(users);
        }
    }

    /** Checks a name and password (RFC 1929 sub-negotiation, MASS and PCTP logins). */
    public record Authenticate(String name, String password, ActorRef<AuthReply> replyTo) implements Command {
        @Override
        public String toString() {
            return "Authenticate[name=" + name + ", password=***]";
        }
    }

    public sealed interface AuthReply {
    }

    public record Authenticated(UserInfo user) implements AuthReply {
    }

    public enum Rejected implements AuthReply { INSTANCE }

    /**
     * Where a clustered directory sends its changes ({@code replica}) and the name it stamps them
     * with ({@code origin}, the node's cluster address).
     */
    public record Replication(ActorRef<Replicate> replica, String origin) {
    }

    /**
     * Records to spread to the other nodes. When {@code batch} is not negative, the replica answers
     * {@code directory} with {@link Replicated} of that batch.
     */
    public record Replicate(List<UserRecord> records, ActorRef<Command> directory, long batch) {
        public Replicate {
            records = List.copyOf(records);
        }
    }

    /** The replica's answer: {@code confirmed} when a majority of the nodes holds the batch. */
    public record Replicated(long batch, boolean confirmed) implements Command {
    }

    /** Records of the cluster; each one newer than the directory's own replaces it. */
    public record Merge(List<UserRecord> records) implements Command {
        public Merge {
            records = List.copyOf(records);
        }
    }

    static final String BLOCKING_DISPATCHER = "socks5d.management.blocking-dispatcher";

    private record Loaded(UserFile.Contents contents) implements Command {
    }

    private record LoadFailed(Throwable cause) implements Command {
    }

    /**
     * An add, or a put ({@code replace}), whose password hash is ready ({@code user}) or could not be
     * made ({@code failure}); {@code seq} is its place in the {@link ChangeQueue}.
     */
    private record Hashed(long seq, boolean replace, ActorRef<AddUserReply> replyTo, StoredUser user, Throwable failure)
            implements Command {
    }

    private record Written(Throwable failure) implements Command {
    }

    /** A slow password check finished; {@code checked} is the record it ran against. */
    private record Verified(String key, StoredUser checked, boolean ok) implements Command {
    }

    /** A caller of a change in the batch being written: told the outcome once the write ends. */
    private record Outcome(Runnable onWritten, Consumer<String> onFailure) {
    }

    /** The batch being written: the users it makes, the names it changes, its stamped records and callers. */
    private record Batch(Users users, Set<String> changed, List<UserRecord> records, List<Outcome> outcomes) {
    }

    private final UserSettings settings;
    private final Executor blocking;
    private final PublishedUsers published;
    /** {@code null} when the node runs alone. */
    private final Replication replication;
    /** {@code null} when the node runs alone. */
    private final HybridClock clock;
    /** The durable users: what {@code users.db} holds. */
    private Users users;
    private final StoredUser dummy;
    private final LoginChecks<ActorRef<AuthReply>> logins = new LoginChecks<>();
    /** Changes in arrival order: RemoveUser, SetLimits, Merge, and Hashed for add and put. */
    private final ChangeQueue<Command> changes = new ChangeQueue<>();
    /** The batch being written, or {@code null} when no write runs. */
    private Batch writing;
    private long nextBatch;
    /** Callers of changes that are durable here and wait for the replica's answer, by batch. */
    private final Map<Long, List<Outcome>> replicating = new HashMap<>();

    private UserDirectory(ActorContext<Command> context, UserSettings settings, Executor blocking,
                          PublishedUsers published, Replication replication, UserFile.Contents contents) {
        super(context);
        this.settings = settings;
        this.blocking = blocking;
        this.published = published;
        this.replication = replication;
        this.clock = replication == null ? null : new HybridClock(replication.origin(), System::currentTimeMillis);
        this.dummy = PasswordHasher.dummy(settings.hashIterations());
        // A node running alone keeps no stamps: it writes version 1 or 2 (docs/operations.md, Files and permissions).
        this.users = Users.of(contents.users(), replication == null ? Map.of() : contents.stamps());
        if (contents.staleTempFiles() > 0) {
            context.getLog().warn("Deleted [{}] temporary user files left by an interrupted write in [{}]",
                    contents.staleTempFiles(), settings.dataDir());
        }
        context.getLog().info("Loaded [{}] users from [{}]", users.size(), settings.dataDir().resolve(UserFile.FILE_NAME));
        publish();
        if (replication != null) {
            users.stamps().values().forEach(clock::observe);
            // What this node acknowledged while alone or away reaches the cluster; older records lose there.
            replication.replica().tell(new Replicate(users.records(), context.getSelf(), -1));
        }
    }

    public static Behavior<Command> create(UserSettings settings) {
        return create(settings, new PublishedUsers());
    }

    /**
     * @param published where the directory publishes its durable users after loading them and after
     *                  every change, before acknowledging it (see {@link UserSnapshot})
     */
    public static Behavior<Command> create(UserSettings settings, PublishedUsers published) {
        return create(settings, published, null);
    }

    /** As {@link #create(UserSettings, PublishedUsers)}, replicating through {@code replication} unless it is {@code null}. */
    public static Behavior<Command> create(UserSettings settings, PublishedUsers published, Replication replication) {
        return Behaviors.withStash(settings.stashCapacity(), stash -> Behaviors.setup(context -> {
            Executor blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_DISPATCHER));
            context.pipeToSelf(
                    CompletableFuture.supplyAsync(() -> loadOrThrow(settings), blocking),
                    (contents, failure) -> failure == null ? new Loaded(contents) : new LoadFailed(unwrap(failure)));
            return loading(context, stash, settings, blocking, published, replication);
        }));
    }

    private static Behavior<Command> loading(ActorContext<Command> context, StashBuffer<Command> stash,
                                             UserSettings settings, Executor blocking, PublishedUsers published,
                                             Replication replication) {
        return Behaviors.receive(Command.class)
                .onMessage(Loaded.class, m -> stash.unstashAll(
                        new UserDirectory(context, settings, blocking, published, replication, m.contents())))
                .onMessage(LoadFailed.class, m -> failToStart(context, settings, m))
                .onAnyMessage(m -> stashWhileLoading(context, stash, m))
                .build();
    }

    private static Behavior<Command> failToStart(ActorContext<Command> context, UserSettings settings, LoadFailed m) {
        // Starting empty would let the next change overwrite the operator's users: fail instead.
        Path file = settings.dataDir().resolve(UserFile.FILE_NAME);
        context.getLog().error("Cannot load users from [{}]: [{}]; the user directory does not start", file, m.cause().toString());
        throw new IllegalStateException("cannot load users from " + file, m.cause());
    }

    private static Behavior<Command> stashWhileLoading(ActorContext<Command> context, StashBuffer<Command> stash, Command m) {
        if (!stash.isFull()) {
            stash.stash(m);
            return Behaviors.same();
        }
        context.getLog().warn("Still loading users and [{}] messages wait already: refusing [{}]",
                stash.capacity(), m.getClass().getSimpleName());
        String why = "user directory still loading";
        if (m instanceof Authenticate a) {
            a.replyTo().tell(Rejected.INSTANCE);
        } else if (m instanceof AddUser a) {
            a.replyTo().tell(new Failed(why));
        } else if (m instanceof PutUser p) {
            p.replyTo().tell(new Failed(why));
        } else if (m instanceof RemoveUser r) {
            r.replyTo().tell(new Failed(why));
        } else if (m instanceof SetLimits l) {
            l.replyTo().tell(new Failed(why));
        }
        // ListUsers has no failure reply: the caller's ask times out.
        return Behaviors.same();
    }

    private static UserFile.Contents loadOrThrow(UserSettings settings) {
        try {
            return UserFile.load(settings.dataDir());
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Authenticate.class, this::onAuthenticate)
                .onMessage(Verified.class, this::onVerified)
                .onMessage(AddUser.class, this::onAddUser)
                .onMessage(PutUser.class, this::onPutUser)
                .onMessage(RemoveUser.class, this::onRemoveUser)
                .onMessage(SetLimits.class, this::onSetLimits)
                .onMessage(Hashed.class, this::onHashed)
                .onMessage(Written.class, this::onWritten)
                .onMessage(ListUsers.class, this::onListUsers)
                .onMessage(Merge.class, this::onMerge)
                .onMessage(Replicated.class, this::onReplicated)
                .build();
    }

    // ---- authentication

    private Behavior<Command> onAuthenticate(Authenticate m) {
        String name = m.name() == null ? "" : m.name();
        String password = m.password() == null ? "" : m.password();
        StoredUser user = users.get(name);
        byte[] digest = logins.digest(password);
        if (user != null && logins.remembered(name, digest)) {
            m.replyTo().tell(new Authenticated(user.info()));
            return this;
        }
        LoginChecks.Check<ActorRef<AuthReply>> check = logins.await(name, password, digest, m.replyTo());
        if (check != null) {
            startCheck(check, user);
        }
        return this;
    }

    private void startCheck(LoginChecks.Check<ActorRef<AuthReply>> check, StoredUser user) {
        StoredUser target = user != null ? user : dummy;
        boolean real = user != null;
        String password = check.password;
        // An unknown name pays one full hash against the dummy before its answer, so timing does
        // not reveal which names exist. The hash runs first: no short-circuit.
        getContext().pipeToSelf(
                CompletableFuture.supplyAsync(() -> PasswordHasher.verify(target, password) & real, blocking),
                (ok, failure) -> new Verified(check.key, target, ok != null && ok));
    }

    private Behavior<Command> onVerified(Verified m) {
        LoginChecks.Check<ActorRef<AuthReply>> check = logins.running(m.key());
        if (check == null) {
            return this;
        }
        StoredUser current = users.get(check.name);
        if (m.checked() != (current != null ? current : dummy)) {
            // The user was added, changed or removed meanwhile: answer for the directory as it is now.
            startCheck(check, current);
            return this;
        }
        AuthReply reply = m.ok() ? new Authenticated(current.info()) : Rejected.INSTANCE;
        logins.finish(check, m.ok()).forEach(w -> w.tell(reply));
        return this;
    }

    // ---- changes

    private Behavior<Command> onAddUser(AddUser m) {
        return checkedThenHashed(false, m.name(), m.password(), m.role(), m.replyTo());
    }

    private Behavior<Command> onPutUser(PutUser m) {
        return checkedThenHashed(true, m.name(), m.password(), m.role(), m.replyTo());
    }

    /** Add and put share everything but the answer to an existing name, decided when the change applies. */
    private Behavior<Command> checkedThenHashed(boolean replace, String name, String password, Role role,
                                                ActorRef<AddUserReply> replyTo) {
        String invalid = CredentialField.invalid("name", name);
        if (invalid == null) {
            invalid = CredentialField.invalid("password", password);
        }
        if (invalid != null) {
            replyTo.tell(new Invalid(invalid));
            return this;
        }
        // The change takes its place now; the hash, run on the blocking dispatcher with others at once, fills it.
        long seq = changes.reserve();
        Role r = role == null ? Role.BASIC : role;
        int iterations = settings.hashIterations();
        getContext().pipeToSelf(
                CompletableFuture.supplyAsync(() -> PasswordHasher.hash(name, password, r, iterations), blocking),
                (user, failure) -> new Hashed(seq, replace, replyTo, user, failure == null ? null : unwrap(failure)));
        return this;
    }

    private Behavior<Command> onHashed(Hashed m) {
        changes.fill(m.seq(), m);
        writeReadyChanges();
        return this;
    }

    private Behavior<Command> onRemoveUser(RemoveUser m) {
        changes.add(m);
        writeReadyChanges();
        return this;
    }

    private Behavior<Command> onSetLimits(SetLimits m) {
        changes.add(m);
        writeReadyChanges();
        return this;
    }

    private Behavior<Command> onMerge(Merge m) {
        // Records no newer than the durable ones (this node's own, echoed back) need no queue entry.
        if (m.records().stream().anyMatch(users::isNewer)) {
            changes.add(m);
            writeReadyChanges();
        }
        return this;
    }

    /** Applies the ready head of the queue to a copy of the users and writes it, unless a write runs. */
    private void writeReadyChanges() {
        while (writing == null && changes.hasReady()) {
            Users.Edit edit = users.edit(settings.maxUsers(), clock);
            List<Outcome> outcomes = new ArrayList<>();
            for (Command c : changes.takeReady()) {
                apply(c, edit, outcomes);
            }
            if (edit.changed().isEmpty()) {
                // Nothing to persist (only refusals): answer now.
                outcomes.forEach(o -> o.onWritten().run());
                continue;
            }
            writing = new Batch(edit.result(), Set.copyOf(edit.changed()), edit.stamped(), outcomes);
            Users next = writing.users();
            boolean stamped = replication != null;
            Path dir = settings.dataDir();
            getContext().pipeToSelf(
                    CompletableFuture.runAsync(() -> writeOrThrow(dir, next, stamped), blocking),
                    (ok, failure) -> new Written(failure == null ? null : unwrap(failure)));
        }
    }

    /** Applies one change to {@code edit}; its caller's answer goes to {@code outcomes}. */
    private void apply(Command c, Users.Edit edit, List<Outcome> outcomes) {
        if (c instanceof Merge merge) {
            merge.records().forEach(edit::merge);
        } else if (c instanceof RemoveUser r) {
            outcomes.add(answer(r.replyTo(), edit.remove(r.name()), Failed::new));
        } else if (c instanceof SetLimits l) {
            outcomes.add(answer(l.replyTo(), edit.setLimits(l.name(), l.limits()), Failed::new));
        } else if (c instanceof Hashed h) {
            if (h.failure() != null) {
                getContext().getLog().error("Cannot hash a password: [{}]", h.failure().toString());
                outcomes.add(answer(h.replyTo(), new Failed("cannot hash the password"), Failed::new));
            } else {
                AddUserReply reply = h.replace() ? edit.put(h.user()) : edit.add(h.user());
                outcomes.add(answer(h.replyTo(), reply, Failed::new));
            }
        }
    }

    /** {@code reply} once the batch is durable, {@code failed} if it cannot be written. */
    private static <R> Outcome answer(ActorRef<R> replyTo, R reply, Function<String, ? extends R> failed) {
        return new Outcome(() -> replyTo.tell(reply), why -> replyTo.tell(failed.apply(why)));
    }

    private static void writeOrThrow(Path dir, Users users, boolean stamped) {
        try {
            UserFile.write(dir, users.all(), stamped ? users.stamps() : null);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> onWritten(Written m) {
        Batch batch = writing;
        writing = null;
        if (m.failure() == null) {
            users = batch.users();
            batch.changed().forEach(logins::forget);
            publish();
            getContext().getLog().info("Saved [{}] users after [{}] changes", users.size(), batch.changed().size());
            if (replication != null && !batch.records().isEmpty()) {
                long id = nextBatch++;
                replicating.put(id, batch.outcomes());
                replication.replica().tell(new Replicate(batch.records(), getContext().getSelf(), id));
            } else {
                batch.outcomes().forEach(o -> o.onWritten().run());
            }
        } else {
            // The users stay as on disk; the operator has to fix the data directory (disk full, permissions).
            getContext().getLog().error("Cannot save users to [{}]: [{}]; [{}] changes refused",
                    settings.dataDir(), m.failure().toString(), batch.outcomes().size());
            String why = "cannot save the user list: " + m.failure().getMessage();
            batch.outcomes().forEach(o -> o.onFailure().accept(why));
        }
        writeReadyChanges();
        return this;
    }

    private Behavior<Command> onReplicated(Replicated m) {
        List<Outcome> outcomes = replicating.remove(m.batch());
        if (outcomes != null) {
            if (!m.confirmed()) {
                getContext().getLog().warn("[{}] user changes are saved on this node but no majority of the cluster"
                        + " confirmed them in time; they spread when the nodes reach each other", outcomes.size());
            }
            outcomes.forEach(o -> o.onWritten().run());
        }
        return this;
    }

    /** Publishes the durable users for the data plane; called before any change is acknowledged. */
    private void publish() {
        published.publish(new UserSnapshot(users.byName(), dummy));
    }

    private Behavior<Command> onListUsers(ListUsers m) {
        List<UserInfo> list = new ArrayList<>(users.size());
        for (StoredUser u : users.all()) {
            list.add(u.info());
        }
        m.replyTo().tell(new UserList(list));
        return this;
    }
}
