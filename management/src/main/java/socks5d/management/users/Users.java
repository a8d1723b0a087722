package socks5d.management.users;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The users as a value: every user by name (its stored hash, role and own limits) and, on a cluster
 * node (docs/design.md, Cluster), the {@link UserRecord.Stamp} of each name's last change, a deleted
 * user staying as a stamp without a user (a tombstone). It holds the rules of a change:
 * <ul>
 *   <li>add refuses a taken name ({@link UserDirectory.AlreadyExists}); add and put refuse a new name
 *       past the maximum ({@link UserDirectory.LimitReached}); a put of an existing name replaces its
 *       password and role and keeps its own limits (docs/operations.md, Limits);</li>
 *   <li>remove and set-limits of an unknown name answer {@link UserDirectory.NotFound};</li>
 *   <li>on a cluster node each local change that changes something is stamped by the node's
 *       {@link HybridClock}, and its record (the user, or a tombstone) is kept for the other nodes;</li>
 *   <li>a record of another node replaces this node's only if its stamp is newer (last writer wins, a
 *       delete being a change like any other); a user without a stamp (loaded from a file written by a
 *       node running alone) counts as {@link UserRecord.Stamp#ZERO}, older than any change.</li>
 * </ul>
 * Immutable and pure: changes go through an {@link Edit}, a working copy that applies them in order
 * and yields the next {@code Users}; the user directory adopts it once it is on disk.
 */
final class Users {
    static final Users EMPTY = new Users(new TreeMap<>(), new TreeMap<>());

    private final SortedMap<String, StoredUser> users;
    private final SortedMap<String, UserRecord.Stamp> stamps;

    private Users(TreeMap<String, StoredUser> users, TreeMap<String, UserRecord.Stamp> stamps) {
        this.users = Collections.unmodifiableSortedMap(users);
        this.stamps = Collections.unmodifiableSortedMap(stamps);
    }

    /** Users as loaded from {@code users.db}; {@code stamps} may name users and tombstones. */
    static Users of(Collection<StoredUser> users, Map<String, UserRecord.Stamp> stamps) {
        TreeMap<String, StoredUser> byName = new TreeMap<>();
        for (StoredUser u : users) {
            byName.put(u.name(), u);
        }
        return new Users(byName, new TreeMap<>(stamps));
    }

    StoredUser get(String name) {
        return users.get(name);
    }

    int size() {
        return users.size();
    }

    /** Every user, sorted by name. */
    Collection<StoredUser> all() {
        return users.values();
    }

    /** Every user by name, sorted by name. */
    SortedMap<String, StoredUser> byName() {
        return users;
    }

    /** The stamps of users and tombstones, sorted by name; empty on a node running alone. */
    SortedMap<String, UserRecord.Stamp> stamps() {
        return stamps;
    }

    /** Whether {@code record} is newer than what this holds for its name, so that merging it changes something. */
    boolean isNewer(UserRecord record) {
        return record.stamp().newerThan(stampOf(users, stamps, record.name()));
    }

    /** Every user with its stamp, then every tombstone: what a node offers the cluster when it starts. */
    List<UserRecord> records() {
        List<UserRecord> all = new ArrayList<>(stamps.size() + users.size());
        for (StoredUser u : users.values()) {
            all.add(UserRecord.of(u, stamps.getOrDefault(u.name(), UserRecord.Stamp.ZERO)));
        }
        stamps.forEach((name, stamp) -> {
            if (!users.containsKey(name)) {
                all.add(UserRecord.tombstone(name, stamp));
            }
        });
        return all;
    }

    /**
     * A working copy to apply changes to.
     *
     * @param maxUsers the most users there may be
     * @param clock    stamps local changes and sees merged ones; {@code null} on a node running alone
     */
    Edit edit(int maxUsers, HybridClock clock) {
        return new Edit(this, maxUsers, clock);
    }

    /** A name's stamp: its own, {@link UserRecord.Stamp#ZERO} for an unstamped user, {@code null} for an unknown name. */
    private static UserRecord.Stamp stampOf(Map<String, StoredUser> users, Map<String, UserRecord.Stamp> stamps,
                                            String name) {
        UserRecord.Stamp stamp = stamps.get(name);
        return stamp != null || !users.containsKey(name) ? stamp : UserRecord.Stamp.ZERO;
    }

    /**
     * Changes applied in order to a copy of a {@link Users}; {@link #result} is the new value. Each
     * change answers what its caller is told once the result is durable. Used by one thread, once.
     */
    static final class Edit {
        private final TreeMap<String, StoredUser> users;
        private final TreeMap<String, UserRecord.Stamp> stamps;
        private final int maxUsers;
        private final HybridClock clock;
        private final Set<String> changed = new LinkedHashSet<>();
        private final List<UserRecord> stamped = new ArrayList<>();
        private boolean done;

        private Edit(Users from, int maxUsers, HybridClock clock) {
            this.users = new TreeMap<>(from.users);
            this.stamps = new TreeMap<>(from.stamps);
            this.maxUsers = maxUsers;
            this.clock = clock;
        }

        /** Adds {@code user} unless its name is taken or the directory is full. */
        UserDirectory.AddUserReply add(StoredUser user) {
            return addOrPut(user, false);
        }

        /** Adds {@code user}, or replaces the password and role of the user of that name (keeping its limits). */
        UserDirectory.AddUserReply put(StoredUser user) {
            return addOrPut(user, true);
        }

        private UserDirectory.AddUserReply addOrPut(StoredUser user, boolean replace) {
            checkOpen();
            StoredUser old = users.get(user.name());
            if (old != null && !replace) {
                return UserDirectory.AlreadyExists.INSTANCE;
            }
            if (old == null && users.size() >= maxUsers) {
                return UserDirectory.LimitReached.INSTANCE;
            }
            StoredUser now = old == null ? user : user.withLimits(old.limits());
            users.put(now.name(), now);
            changedLocally(now.name());
            return old == null ? new UserDirectory.Added(now.info()) : new UserDirectory.Updated(now.info());
        }

        UserDirectory.RemoveUserReply remove(String name) {
            checkOpen();
            StoredUser old = users.remove(name);
            if (old == null) {
                return UserDirectory.NotFound.INSTANCE;
            }
            changedLocally(name);
            return new UserDirectory.Removed(old.info());
        }

        UserDirectory.SetLimitsReply setLimits(String name, UserDirectory.Limits limits) {
            checkOpen();
            StoredUser old = users.get(name);
            if (old == null) {
                return UserDirectory.NotFound.INSTANCE;
            }
            users.put(name, old.withLimits(limits));
            changedLocally(name);
            return new UserDirectory.LimitsSet(old.info(), limits);
        }

        /** Applies another node's record if it is newer than this copy's; returns whether it was. */
        boolean merge(UserRecord record) {
            checkOpen();
            if (!record.stamp().newerThan(stampOf(users, stamps, record.name()))) {
                return false;
            }
            if (clock != null) {
                clock.observe(record.stamp());
            }
            stamps.put(record.name(), record.stamp());
            if (record.deleted()) {
                users.remove(record.name());
            } else {
                users.put(record.name(), record.toStoredUser());
            }
            changed.add(record.name());
            return true;
        }

        private void changedLocally(String name) {
            changed.add(name);
            if (clock == null) {
                return;
            }
            UserRecord.Stamp stamp = clock.next();
            stamps.put(name, stamp);
            StoredUser now = users.get(name);
            stamped.add(now == null ? UserRecord.tombstone(name, stamp) : UserRecord.of(now, stamp));
        }

        /** The names changed so far, local changes and merged records alike. */
        Set<String> changed() {
            return Collections.unmodifiableSet(changed);
        }

        /** The stamped records of the local changes, in order, for the other nodes (empty on a node running alone). */
        List<UserRecord> stamped() {
            return List.copyOf(stamped);
        }

        /** The users after every change; the edit takes no change after this. */
        Users result() {
            checkOpen();
            done = true;
            return new Users(users, stamps);
        }

        private void checkOpen() {
            if (done) {
                throw new IllegalStateException("the edit has its result already");
            }
        }
    }
}
