package socks5d.testkit.target;

import java.nio.ByteBuffer;

/**
 * The protocol logic of one connection to an embedded target.
 *
 * <p>Threading: every callback runs on the {@link EventLoop} thread that owns the connection, never
 * concurrently, so implementations keep plain mutable fields.
 */
interface ConnectionHandler {

    /** The connection was accepted and registered. */
    default void onOpen(Connection c) {
    }

    /** Bytes arrived; {@code data} is only valid during the call (the loop reuses its read buffer). */
    void onData(Connection c, ByteBuffer data);

    /** The peer shut down its output (FIN). The default closes once everything queued is written. */
    default void onEof(Connection c) {
        c.closeWhenDrained();
    }

    /** Everything written so far reached the socket; a producer may write more. */
    default void onDrained(Connection c) {
    }
}
