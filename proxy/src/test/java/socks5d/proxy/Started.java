package socks5d.proxy;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test class starts before its tests (targets, a loopback DNS server, a {@link ProxyHarness}), closed
 * after them in the reverse order, every one even when another fails to close. Test helper; confined to
 * the thread that runs the class's {@code @BeforeAll} and {@code @AfterAll}.
 */
public final class Started implements AutoCloseable {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Keeps {@code resource} to be closed by {@link #close()}; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        open.push(resource);
        return resource;
    }

    @Override
    public void close() {
        IllegalStateException failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("a test fixture did not close", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
