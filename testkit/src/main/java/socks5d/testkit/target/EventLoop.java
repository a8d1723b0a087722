package socks5d.testkit.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread serving many connections of an embedded target.
 *
 * <p>Owns its {@link Selector}, a read buffer shared by its connections and the set of open connections.
 * Threading: everything but {@link #execute} and {@link #shutdown} runs on the loop's own thread; other
 * threads hand work over through {@link #execute}.
 */
final class EventLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    /** Large reads keep a 2.5 GB/s loopback stream cheap in system calls. */
    static final int READ_BUFFER_SIZE = 256 * 1024;

    /** What a selection key is attached to: the acceptor or a connection. */
    interface Selectable {
        void onSelected(SelectionKey key);
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<Connection> connections = new HashSet<>();
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private volatile boolean running = true;

    EventLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread (soon, in submission order). */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    void added(Connection c) {
        connections.add(c);
    }

    void removed(Connection c) {
        connections.remove(c);
    }

    Set<Connection> connections() {
        return connections;
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(1000);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    runSafely(task);
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isValid()) {
                        ((Selectable) key.attachment()).onSelected(key);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Event loop [{}] failed", thread.getName(), e);
        } finally {
            for (Connection c : Set.copyOf(connections)) {
                c.close();
            }
            try {
                selector.close();
            } catch (IOException e) {
                log.debug("Closing selector failed", e);
            }
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("Event loop task failed", e);
        }
    }

    /** Stops the loop, closes its connections and waits up to {@code timeoutMillis} for the thread. */
    void shutdown(long timeoutMillis) {
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(TimeUnit.MILLISECONDS.toMillis(timeoutMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
