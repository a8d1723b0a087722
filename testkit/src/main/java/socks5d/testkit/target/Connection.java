package socks5d.testkit.target;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection of an embedded target: its channel, its queue of bytes still to write and its
 * half-close state.
 *
 * <p>Threading: confined to the owning {@link EventLoop}; handlers call it from their callbacks.
 * Writes never block: what the socket does not take is queued and flushed when writable, and
 * handlers pause reading when the queue grows (backpressure, as an echo must not buffer without bound).
 */
final class Connection implements EventLoop.Selectable {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final SocketChannel channel;
    private final EventLoop loop;
    private final ConnectionHandler handler;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private SelectionKey key;
    private long pending;
    private boolean reading = true;
    private boolean eofSeen;
    private boolean shutdownOutputWhenDrained;
    private boolean closeWhenDrained;
    private boolean outputShut;
    private boolean closed;

    Connection(SocketChannel channel, EventLoop loop, ConnectionHandler handler) {
        this.channel = channel;
        this.loop = loop;
        this.handler = handler;
    }

    /** Registers with the loop's selector; call on the loop thread. */
    void register() throws IOException {
        key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
        loop.added(this);
        handler.onOpen(this);
        updateInterest();
    }

    /** Writes a copy of {@code src}'s remaining bytes (now or later); advances {@code src}. */
    void write(ByteBuffer src) {
        write(src, true);
    }

    /**
     * Writes {@code src}; when {@code copy} is false the caller promises never to change the bytes, so an
     * unwritten remainder is queued without copying.
     */
    void write(ByteBuffer src, boolean copy) {
        if (closed || outputShut || !src.hasRemaining()) {
            src.position(src.limit());
            return;
        }
        if (out.isEmpty()) {
            try {
                channel.write(src);
            } catch (IOException e) {
                fail(e);
                return;
            }
        }
        if (src.hasRemaining()) {
            ByteBuffer rest;
            if (copy) {
                rest = ByteBuffer.allocate(src.remaining());
                rest.put(src).flip();
            } else {
                rest = src.slice();
                src.position(src.limit());
            }
            out.add(rest);
            pending += rest.remaining();
            updateInterest();
        }
    }

    /** Bytes queued but not yet taken by the socket. */
    long pendingBytes() {
        return pending;
    }

    boolean eofSeen() {
        return eofSeen;
    }

    void pauseReading() {
        reading = false;
        updateInterest();
    }

    void resumeReading() {
        reading = true;
        updateInterest();
    }

    /** Sends FIN once every queued byte is written (half-close). */
    void shutdownOutputWhenDrained() {
        shutdownOutputWhenDrained = true;
        if (out.isEmpty()) {
            shutdownOutput();
        }
    }

    /** Closes once every queued byte is written. */
    void closeWhenDrained() {
        closeWhenDrained = true;
        if (out.isEmpty()) {
            close();
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.removed(this);
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Close failed", e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void onSelected(SelectionKey k) {
        if (k.isWritable()) {
            flush();
        }
        if (!closed && k.isValid() && k.isReadable()) {
            read();
        }
    }

    private void read() {
        ByteBuffer buf = loop.readBuffer;
        buf.clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (n < 0) {
            eofSeen = true;
            updateInterest();
            handler.onEof(this);
            if (outputShut) {
                close();
            }
        } else if (n > 0) {
            buf.flip();
            handler.onData(this, buf);
        }
    }

    private void flush() {
        try {
            while (!out.isEmpty()) {
                ByteBuffer head = out.peek();
                int n = channel.write(head);
                pending -= n;
                if (head.hasRemaining()) {
                    return;
                }
                out.poll();
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        updateInterest();
        drained();
    }

    private void drained() {
        if (closeWhenDrained) {
            close();
            return;
        }
        if (shutdownOutputWhenDrained) {
            shutdownOutput();
            return;
        }
        handler.onDrained(this);
    }

    private void shutdownOutput() {
        if (outputShut || closed) {
            return;
        }
        outputShut = true;
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (eofSeen) {
            close();
        }
    }

    private void fail(IOException e) {
        log.debug("Connection failed: [{}]", e.toString());
        close();
    }

    private void updateInterest() {
        if (closed || key == null || !key.isValid()) {
            return;
        }
        int ops = (reading && !eofSeen ? SelectionKey.OP_READ : 0) | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE);
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }
}
