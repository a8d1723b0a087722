package socks5d.proxy.dissect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.pekko.util.ByteString;

/**
 * The dissectors one session runs (docs/protocols/socks5.md, Credential lines): every known
 * protocol's dissector side by side, each fed at most {@code inspectBytes} per direction. Once
 * every dissector is done, or both budgets are spent, {@link #done()} is true and the relay stops
 * calling: after that the data path is the same as with dissectors off. Pure; confined to the
 * session's stage.
 */
public final class Dissectors implements Dissector {
    /** Every protocol's dissector; adding a protocol is adding its constructor here. */
    private static final List<Supplier<Dissector>> PROTOCOLS =
            List.of(Pop3Dissector::new, HttpBasicDissector::new, FtpDissector::new);

    private final List<Dissector> active;
    private long clientBudget;
    private long serverBudget;

    Dissectors(List<Dissector> dissectors, long inspectBytes) {
        this.active = new ArrayList<>(dissectors);
        this.clientBudget = inspectBytes;
        this.serverBudget = inspectBytes;
    }

    /** A fresh set of dissectors for a new session. */
    public static Dissectors forSession(long inspectBytes) {
        List<Dissector> all = new ArrayList<>(PROTOCOLS.size());
        PROTOCOLS.forEach(p -> all.add(p.get()));
        return new Dissectors(all, inspectBytes);
    }

    @Override
    public void onClientBytes(ByteString bytes, Consumer<Credential> report) {
        if (clientBudget <= 0) {
            return;
        }
        ByteString seen = bytes.size() > clientBudget ? bytes.take((int) clientBudget) : bytes;
        clientBudget -= seen.size();
        for (Dissector d : active) {
            d.onClientBytes(seen, report);
        }
        active.removeIf(Dissector::done);
    }

    @Override
    public void onServerBytes(ByteString bytes, Consumer<Credential> report) {
        if (serverBudget <= 0) {
            return;
        }
        ByteString seen = bytes.size() > serverBudget ? bytes.take((int) serverBudget) : bytes;
        serverBudget -= seen.size();
        for (Dissector d : active) {
            d.onServerBytes(seen, report);
        }
        active.removeIf(Dissector::done);
    }

    @Override
    public boolean done() {
        return active.isEmpty() || (clientBudget <= 0 && serverBudget <= 0);
    }
}
