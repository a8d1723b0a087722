package socks5d.proxy.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.netty.channel.EventLoop;

import socks5d.management.users.PublishedUsers;
import socks5d.management.users.UserSnapshot;

/**
 * RFC 1929 password checks of one event loop's sessions, against the users the user directory
 * published (no actor is asked per login). A password verified before for the same record of the
 * user is remembered as an HMAC-SHA256 under a random key of this loop, never in clear, and
 * answered at once; any other check (a first login, a wrong password, an unknown name) costs a full
 * PBKDF2 computation on the hashing executor, off the event loop, and answers on the event loop.
 * Logins that arrive while the same name and password are being checked wait for that check
 * instead of starting another: clients of one user connecting at once after a start cost one PBKDF2
 * computation per loop, not one each. When the hashing executor's queue is full the login is refused
 * at once (RFC 1929 failure), so password guessing cannot queue unbounded work. Confined to its
 * event loop.
 */
final class Logins {
    private record Verified(Object record, byte[] digest) {
    }

    /** One check on the hashing executor against {@code record}, and the logins waiting for its answer. */
    private record Pending(Object record, List<Consumer<Result>> waiting) {
    }

    /** A check's outcome. */
    enum Result {
        OK,
        /** Wrong password or unknown name, after a full check. */
        WRONG,
        /** Not checked: the hashing queue was full (answered as a failure, not counted against the address). */
        BUSY
    }

    private final EventLoop loop;
    private final PublishedUsers users;
    private final Executor hashing;
    private final Mac mac;
    private final Map<String, Verified> verified = new HashMap<>();
    /** Checks on the hashing executor, by name and password digest, with every login waiting for each. */
    private final Map<String, Pending> inFlight = new HashMap<>();

    Logins(EventLoop loop, PublishedUsers users, Executor hashing) {
        this.loop = loop;
        this.users = users;
        this.hashing = hashing;
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }

    /** Checks {@code name}/{@code password} and calls {@code result} on this event loop (maybe at once). */
    void check(String name, String password, Consumer<Result> result) {
        UserSnapshot snapshot = users.current();
        Object record = snapshot.record(name);
        byte[] digest = mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        Verified known = record == null ? null : verified.get(name);
        if (known != null && known.record() == record && MessageDigest.isEqual(known.digest(), digest)) {
            result.accept(Result.OK);
            return;
        }
        String key = name + '\0' + HexFormat.of().formatHex(digest);
        Pending pending = inFlight.get(key);
        if (pending != null && pending.record() == record) {
            pending.waiting().add(result);
            return;
        }
        // A check against an older record of the user (changed since) is not joined: it may answer otherwise.
        Pending mine = new Pending(record, new ArrayList<>(1));
        mine.waiting().add(result);
        inFlight.put(key, mine);
        try {
            hashing.execute(() -> {
                boolean ok;
                try {
                    ok = snapshot.verify(name, password) != null;
                } catch (RuntimeException e) {
                    ok = false;
                }
                boolean verifiedOk = ok;
                loop.execute(() -> {
                    if (verifiedOk) {
                        verified.put(name, new Verified(record, digest));
                    }
                    inFlight.remove(key, mine);
                    for (Consumer<Result> r : mine.waiting()) {
                        r.accept(verifiedOk ? Result.OK : Result.WRONG);
                    }
                });
            });
        } catch (RejectedExecutionException full) {
            inFlight.remove(key, mine);
            result.accept(Result.BUSY);
        }
    }
}
