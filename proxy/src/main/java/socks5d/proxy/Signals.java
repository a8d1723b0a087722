package socks5d.proxy;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling (docs/operations.md, Signals and shutdown): the first signal starts the graceful shutdown
 * (stop accepting, drain sessions up to the grace period); a second one stops at once.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void install(Socks5d server) {
        AtomicInteger received = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (received.incrementAndGet() == 1) {
                    log.info("SIG{} received: graceful shutdown (send again to stop at once)", signal.getName());
                    server.shutdown();
                } else {
                    log.warn("SIG{} received again: stopping at once", signal.getName());
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
    }
}
