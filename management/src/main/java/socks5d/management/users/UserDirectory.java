package socks5d.management.users;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import javax.crypto.Mac;

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
 * password hashes, the maximum user count and their persistence in the data directory. Confined to
 * its actor; hashing and file I/O run on the blocking dispatcher named in {@code reference.conf}
 * and report back by pipeToSelf.
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
 * <p>How it works. At start the actor loads {@code users.db} (format in {@link UserFile}) on the
 * blocking dispatcher and stashes every message meanwhile; a file it cannot read makes the actor
 * fail rather than start empty and later overwrite the operator's users. Then:
 * <ul>
 *   <li>Changes (add, put, remove) enter a queue in arrival order. Add and put hash the new
 *       password on the blocking dispatcher first, several at once; the queue applies them in
 *       arrival order whatever order the hashes finish in. While no write is running, every ready
 *       change at the head of the queue is applied to a copy of the directory and that copy is
 *       written in one atomic file replacement (group commit). Only when it is durable does the
 *       copy become the directory and do the callers get their replies; if the write fails, the
 *       copy is dropped and every change of the batch gets {@link Failed}. Changes arriving
 *       meanwhile wait for the next write, so writes never overlap or reorder.</li>
 *   <li>Authentication reads only the durable directory and never waits for a write. The slow
 *       PBKDF2 check runs on the blocking dispatcher; identical checks in flight (same name, same
 *       password) share one computation. After a success the actor keeps an HMAC-SHA256 of the
 *       password under a random per-process key, so the next login of that user with that password
 *       is answered at once; a change of the user drops it. Failures are never cached, and an
 *       unknown name is hashed against a dummy user so that it costs the same as a wrong password.
 *       If the user changes while a check runs, the check is repeated against the new record.</li>
 * </ul>
 *
 * <p>In a cluster (docs/design.md, Cluster) the directory is given a {@link Replication}: every
 * change gets a {@link UserRecord.Stamp}, deleted users stay as stamped tombstones, and both are
 * written to {@code users.db} (version 2) so that a restarted node knows how new its users are.
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

    /** Why a name or password breaks RFC 1929's 1..255 UTF-8 byte rule, or {@code null} if it does not. */
    static String invalidField(String field, String value) {
        return CredentialField.invalid(field, value);
    }

    /** Strict UTF-8 decoding: malformed input is an error, never replaced. */
    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }

    private record Loaded(UserFile.Contents contents) implements Command {
    }

    private record LoadFailed(Throwable cause) implements Command {
    }

    /** An add or put's password hash is ready ({@code user}), or could not be made ({@code failure}). */
    private record Hashed(long seq, StoredUser user, Throwable failure) implements Command {
    }

    private record Written(Throwable failure) implements Command {
    }

    /** A slow password check finished; {@code checked} is the record it ran against. */
    private record Verified(String key, StoredUser checked, boolean ok) implements Command {
    }

    /** A change waiting in arrival order; add and put are ready once their hash is. */
    private static final class Change {
        final long seq;
        final Command request;
        StoredUser hashed;
        Throwable failure;
        boolean ready;

        Change(long seq, Command request, boolean ready) {
            this.seq = seq;
            this.request = request;
            this.ready = ready;
        }
    }

    /** A caller of a change in the batch being written: told the outcome once the write ends. */
    private record Outcome(Runnable onWritten, Consumer<String> onFailure) {
    }

    /** Callers waiting for one slow password check. */
    private static final class Check {
        final String name;
        final String password;
        final byte[] digest;
        final List<ActorRef<AuthReply>> waiters = new ArrayList<>();

        Check(String name, String password, byte[] digest) {
            this.name = name;
            this.password = password;
            this.digest = digest;
        }
    }

    private final UserSettings settings;
    private final Executor blocking;
    private final PublishedUsers published;
    /** {@code null} when the node runs alone. */
    private final Replication replication;
    /** Stamps of the durable users and tombstones (a name not in {@link #users}); empty when alone. */
    private TreeMap<String, UserRecord.Stamp> stamps = new TreeMap<>();
    private TreeMap<String, UserRecord.Stamp> writingStamps;
    private List<UserRecord> writingRecords = List.of();
    /** The hybrid clock: the last stamp time given or seen. */
    private long clock;
    private long nextBatch;
    /** Callers of changes that are durable here and wait for the replica's answer, by batch. */
    private final Map<Long, List<Outcome>> replicating = new HashMap<>();
    /** The durable directory: what {@code users.db} holds. Sorted by name for ListUsers. */
    private TreeMap<String, StoredUser> users;
    /** Keyed digests of passwords verified since the user last changed, by name. */
    private final Map<String, byte[]> verified = new HashMap<>();
    private final Mac digestMac = PasswordHasher.newDigestMac();
    private final StoredUser dummy;
    private final Map<String, Check> checks = new HashMap<>();
    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private long nextSeq;
    /** The directory being written, or {@code null} when no write runs. */
    private TreeMap<String, StoredUser> writing;
    private Set<String> writingNames = Set.of();
    private List<Outcome> writingOutcomes = List.of();

    private UserDirectory(ActorContext<Command> context, UserSettings settings, Executor blocking,
                          PublishedUsers published, Replication replication, UserFile.Contents contents) {
        super(context);
        this.settings = settings;
        this.blocking = blocking;
        this.published = published;
        this.replication = replication;
        this.dummy = PasswordHasher.dummy(settings.hashIterations());
        this.users = new TreeMap<>();
        for (StoredUser u : contents.users()) {
            users.put(u.name(), u);
        }
        if (contents.staleTempFiles() > 0) {
            context.getLog().warn("Deleted [{}] temporary user files left by an interrupted write in [{}]",
                    contents.staleTempFiles(), settings.dataDir());
        }
        context.getLog().info("Loaded [{}] users from [{}]", users.size(), settings.dataDir().resolve(UserFile.FILE_NAME));
        publish();
        if (replication != null) {
            List<UserRecord> all = new ArrayList<>();
            for (StoredUser u : users.values()) {
                all.add(UserRecord.of(u, UserRecord.Stamp.ZERO));
            }
            for (Map.Entry<String, UserRecord.Stamp> e : contents.stamps().entrySet()) {
                stamps.put(e.getKey(), e.getValue());
                clock = Math.max(clock, e.getValue().time());
            }
            all.replaceAll(r -> r.withStamp(stamps.getOrDefault(r.name(), UserRecord.Stamp.ZERO)));
            for (Map.Entry<String, UserRecord.Stamp> e : stamps.entrySet()) {
                if (!users.containsKey(e.getKey())) {
                    all.add(UserRecord.tombstone(e.getKey(), e.getValue()));
                }
            }
            // What this node acknowledged while alone or away reaches the cluster; older records lose there.
            replication.replica().tell(new Replicate(all, context.getSelf(), -1));
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
        } catch (java.io.IOException e) {
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
        byte[] digest = PasswordHasher.digest(digestMac, password);
        byte[] known = user == null ? null : verified.get(name);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            m.replyTo().tell(new Authenticated(user.info()));
            return this;
        }
        // The digest is fixed-length, so name + NUL + digest identifies the pair without ambiguity.
        String key = name + '\u0000' + Base64.getEncoder().encodeToString(digest);
        Check check = checks.get(key);
        if (check == null) {
            check = new Check(name, password, digest);
            checks.put(key, check);
            startCheck(key, check, user);
        }
        check.waiters.add(m.replyTo());
        return this;
    }

    private void startCheck(String key, Check check, StoredUser user) {
        StoredUser target = user != null ? user : dummy;
        boolean real = user != null;
        // An unknown name pays one full hash against the dummy before its answer, so timing does
        // not reveal which names exist. The hash runs first: no short-circuit.
        getContext().pipeToSelf(
                CompletableFuture.supplyAsync(() -> PasswordHasher.verify(target, check.password) & real, blocking),
                (ok, failure) -> new Verified(key, target, ok != null && ok));
    }

    private Behavior<Command> onVerified(Verified m) {
        Check check = checks.remove(m.key());
        if (check == null) {
            return this;
        }
        StoredUser current = users.get(check.name);
        if (m.checked() != (current != null ? current : dummy)) {
            // The user was added, changed or removed meanwhile: answer for the directory as it is now.
            checks.put(m.key(), check);
            startCheck(m.key(), check, current);
            return this;
        }
        if (m.ok()) {
            verified.put(check.name, check.digest);
            Authenticated reply = new Authenticated(current.info());
            check.waiters.forEach(w -> w.tell(reply));
        } else {
            check.waiters.forEach(w -> w.tell(Rejected.INSTANCE));
        }
        return this;
    }

    // ---- changes

    private Behavior<Command> onAddUser(AddUser m) {
        return checkedThenHashed(m, m.name(), m.password(), m.role(), m.replyTo());
    }

    private Behavior<Command> onPutUser(PutUser m) {
        return checkedThenHashed(m, m.name(), m.password(), m.role(), m.replyTo());
    }

    /** Add and put share everything but the answer to an existing name, decided when the change applies. */
    private Behavior<Command> checkedThenHashed(Command m, String name, String password, Role role,
                                                ActorRef<AddUserReply> replyTo) {
        String invalid = invalidCredentials(name, password);
        if (invalid != null) {
            replyTo.tell(new Invalid(invalid));
        } else {
            enqueueHashed(m, name, password, role);
        }
        return this;
    }

    private Behavior<Command> onRemoveUser(RemoveUser m) {
        changes.add(new Change(nextSeq++, m, true));
        writeReadyChanges();
        return this;
    }

    private Behavior<Command> onSetLimits(SetLimits m) {
        changes.add(new Change(nextSeq++, m, true));
        writeReadyChanges();
        return this;
    }

    private static String invalidCredentials(String name, String password) {
        String why = invalidField("name", name);
        return why != null ? why : invalidField("password", password);
    }

    private void enqueueHashed(Command request, String name, String password, Role role) {
        long seq = nextSeq++;
        changes.add(new Change(seq, request, false));
        Role r = role == null ? Role.BASIC : role;
        int iterations = settings.hashIterations();
        getContext().pipeToSelf(
                CompletableFuture.supplyAsync(() -> PasswordHasher.hash(name, password, r, iterations), blocking),
                (user, failure) -> new Hashed(seq, user, failure == null ? null : unwrap(failure)));
    }

    private Behavior<Command> onHashed(Hashed m) {
        for (Change c : changes) {
            if (c.seq == m.seq()) {
                c.hashed = m.user();
                c.failure = m.failure();
                c.ready = true;
                break;
            }
        }
        writeReadyChanges();
        return this;
    }

    /** Applies the ready head of the queue to a copy of the directory and writes it, unless a write runs. */
    private void writeReadyChanges() {
        while (writing == null && !changes.isEmpty() && changes.peek().ready) {
            TreeMap<String, StoredUser> next = new TreeMap<>(users);
            TreeMap<String, UserRecord.Stamp> nextStamps = new TreeMap<>(stamps);
            Set<String> names = new HashSet<>();
            List<Outcome> outcomes = new ArrayList<>();
            List<UserRecord> records = new ArrayList<>();
            int changed = 0;
            while (!changes.isEmpty() && changes.peek().ready) {
                Change c = changes.poll();
                if (c.request instanceof Merge merge) {
                    if (merge(merge, next, nextStamps, names)) {
                        changed++;
                    }
                } else if (apply(c, next, names, outcomes)) {
                    changed++;
                    if (replication != null) {
                        stampChange(c, next, nextStamps, records);
                    }
                }
            }
            if (changed == 0) {
                // Nothing to persist (only refusals): answer now.
                outcomes.forEach(o -> o.onWritten().run());
                continue;
            }
            writing = next;
            writingStamps = nextStamps;
            writingRecords = records;
            writingNames = names;
            writingOutcomes = outcomes;
            List<StoredUser> snapshot = List.copyOf(next.values());
            Map<String, UserRecord.Stamp> stampSnapshot = replication == null ? null : Map.copyOf(nextStamps);
            Path dir = settings.dataDir();
            getContext().pipeToSelf(
                    CompletableFuture.runAsync(() -> writeOrThrow(dir, snapshot, stampSnapshot), blocking),
                    (ok, failure) -> new Written(failure == null ? null : unwrap(failure)));
        }
    }

    /** Applies one change to {@code next}; returns whether it changed anything. */
    private boolean apply(Change c, TreeMap<String, StoredUser> next, Set<String> names, List<Outcome> outcomes) {
        if (c.request instanceof RemoveUser r) {
            StoredUser old = next.remove(r.name());
            if (old == null) {
                outcomes.add(new Outcome(() -> r.replyTo().tell(NotFound.INSTANCE), why -> r.replyTo().tell(new Failed(why))));
                return false;
            }
            names.add(r.name());
            outcomes.add(new Outcome(() -> r.replyTo().tell(new Removed(old.info())), why -> r.replyTo().tell(new Failed(why))));
            return true;
        }
        if (c.request instanceof SetLimits l) {
            StoredUser old = next.get(l.name());
            if (old == null) {
                outcomes.add(new Outcome(() -> l.replyTo().tell(NotFound.INSTANCE),
                        why -> l.replyTo().tell(new Failed(why))));
                return false;
            }
            next.put(l.name(), old.withLimits(l.limits()));
            names.add(l.name());
            outcomes.add(new Outcome(() -> l.replyTo().tell(new LimitsSet(old.info(), l.limits())),
                    why -> l.replyTo().tell(new Failed(why))));
            return true;
        }
        boolean put = c.request instanceof PutUser;
        ActorRef<AddUserReply> replyTo = put ? ((PutUser) c.request).replyTo() : ((AddUser) c.request).replyTo();
        Consumer<String> onFailure = why -> replyTo.tell(new Failed(why));
        if (c.failure != null) {
            getContext().getLog().error("Cannot hash a password: [{}]", c.failure.toString());
            outcomes.add(new Outcome(() -> replyTo.tell(new Failed("cannot hash the password")), onFailure));
            return false;
        }
        StoredUser u = c.hashed;
        boolean exists = next.containsKey(u.name());
        AddUserReply reply;
        if (exists && !put) {
            reply = AlreadyExists.INSTANCE;
        } else if (!exists && next.size() >= settings.maxUsers()) {
            reply = LimitReached.INSTANCE;
        } else {
            if (exists) {
                // A new password or role keeps the user's own limits.
                u = u.withLimits(next.get(u.name()).limits());
            }
            next.put(u.name(), u);
            names.add(u.name());
            reply = exists ? new Updated(u.info()) : new Added(u.info());
        }
        outcomes.add(new Outcome(() -> replyTo.tell(reply), onFailure));
        return reply instanceof Added || reply instanceof Updated;
    }

    /** Stamps a local change that {@link #apply} made to {@code next}, for the file and the replica. */
    private void stampChange(Change c, TreeMap<String, StoredUser> next, TreeMap<String, UserRecord.Stamp> nextStamps,
                             List<UserRecord> records) {
        clock = Math.max(System.currentTimeMillis(), clock + 1);
        UserRecord.Stamp stamp = new UserRecord.Stamp(clock, replication.origin());
        String name = c.request instanceof RemoveUser r ? r.name()
                : c.request instanceof SetLimits l ? l.name() : c.hashed.name();
        nextStamps.put(name, stamp);
        StoredUser now = next.get(name);
        records.add(now == null ? UserRecord.tombstone(name, stamp) : UserRecord.of(now, stamp));
    }

    /** Applies the records of {@code m} newer than {@code next}'s; returns whether any was. */
    private boolean merge(Merge m, TreeMap<String, StoredUser> next, TreeMap<String, UserRecord.Stamp> nextStamps,
                          Set<String> names) {
        boolean changed = false;
        for (UserRecord r : m.records()) {
            UserRecord.Stamp mine = nextStamps.get(r.name());
            if (mine == null && next.containsKey(r.name())) {
                mine = UserRecord.Stamp.ZERO;
            }
            if (!r.stamp().newerThan(mine)) {
                continue;
            }
            clock = Math.max(clock, r.stamp().time());
            nextStamps.put(r.name(), r.stamp());
            if (r.deleted()) {
                next.remove(r.name());
            } else {
                next.put(r.name(), r.toStoredUser());
            }
            names.add(r.name());
            changed = true;
        }
        return changed;
    }

    private Behavior<Command> onMerge(Merge m) {
        // Records no newer than the durable ones (this node's own, echoed back) need no queue entry.
        boolean any = false;
        for (UserRecord r : m.records()) {
            UserRecord.Stamp mine = stamps.get(r.name());
            if (r.stamp().newerThan(mine != null ? mine : users.containsKey(r.name()) ? UserRecord.Stamp.ZERO : null)) {
                any = true;
                break;
            }
        }
        if (any) {
            changes.add(new Change(nextSeq++, m, true));
            writeReadyChanges();
        }
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

    private static void writeOrThrow(Path dir, List<StoredUser> users, Map<String, UserRecord.Stamp> stamps) {
        try {
            UserFile.write(dir, users, stamps);
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> onWritten(Written m) {
        List<Outcome> outcomes = writingOutcomes;
        if (m.failure() == null) {
            users = writing;
            stamps = writingStamps;
            for (String name : writingNames) {
                verified.remove(name);
            }
            publish();
            getContext().getLog().info("Saved [{}] users after [{}] changes", users.size(), writingNames.size());
            if (replication != null && !writingRecords.isEmpty()) {
                long batch = nextBatch++;
                replicating.put(batch, outcomes);
                replication.replica().tell(new Replicate(writingRecords, getContext().getSelf(), batch));
            } else {
                outcomes.forEach(o -> o.onWritten().run());
            }
        } else {
            // The directory stays as on disk; the operator has to fix the data directory (disk full, permissions).
            getContext().getLog().error("Cannot save users to [{}]: [{}]; [{}] changes refused",
                    settings.dataDir(), m.failure().toString(), outcomes.size());
            String why = "cannot save the user list: " + m.failure().getMessage();
            outcomes.forEach(o -> o.onFailure().accept(why));
        }
        writing = null;
        writingStamps = null;
        writingRecords = List.of();
        writingNames = Set.of();
        writingOutcomes = List.of();
        writeReadyChanges();
        return this;
    }

    /** Publishes the durable directory for the data plane; called before any change is acknowledged. */
    private void publish() {
        published.publish(new UserSnapshot(users, dummy));
    }

    private Behavior<Command> onListUsers(ListUsers m) {
        List<UserInfo> list = new ArrayList<>(users.size());
        for (StoredUser u : users.values()) {
            list.add(u.info());
        }
        m.replyTo().tell(new UserList(list));
        return this;
    }
}
