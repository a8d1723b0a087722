package socks5d.proxy.dissect;

import java.util.function.Consumer;

import org.apache.pekko.util.ByteString;

/**
 * Watches the start of one relayed session for clear-text credentials of one protocol
 * (docs/protocols/socks5.md, Credential lines). Fed the bytes of each direction as they are
 * relayed, in order and in arbitrary chunks; keeps only the little state its protocol needs (a
 * partial line, a phase), bounded in size. Reports each credential once through {@code report}.
 * Malformed or oversized input never throws: the dissector just gives up ({@link #done()}). Pure
 * (no I/O); confined to the session's stage. One more protocol is one more small implementation of
 * this interface.
 */
public interface Dissector {
    /** Bytes the client sent towards the destination. */
    void onClientBytes(ByteString bytes, Consumer<Credential> report);

    /** Bytes the destination sent towards the client. */
    void onServerBytes(ByteString bytes, Consumer<Credential> report);

    /** Whether this dissector wants no more bytes: it found what it looks for, or the session is not its protocol. */
    boolean done();
}
