package socks5d.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;

/**
 * The product lines' appender (logback.xml): lines queued while a write is under way go out together
 * in one write, in order; a full queue makes the logger wait rather than drop a line; stopping writes
 * what is still queued. Each test has its own logger context and a stream that records every write.
 */
final class BatchedStdoutAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final Writes writes = new Writes();
    private BatchedStdoutAppender appender;

    BatchedStdoutAppenderTest() {
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stop() {
        writes.release();
        if (appender != null) {
            appender.stop();
        }
        List<String> errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(st -> st.getLevel() == Status.ERROR).map(Object::toString).toList();
        context.stop();
        assertEquals(List.of(), errors);
    }

    @Test
    void linesQueuedDuringAWriteGoOutTogetherInOneWriteInOrder() {
        Logger log = logger(8192, 1024, pattern());
        queueBehindAHeldWrite(log, 100);
        writes.release();
        writes.awaitLines(101);

        assertEquals(lines(0, 100), writes.text());
        assertEquals(2, writes.count(), "the first line, then the hundred queued behind it");
    }

    @Test
    void aBatchIsAtMostMaxBatchLines() {
        Logger log = logger(8192, 10, pattern());
        queueBehindAHeldWrite(log, 25);
        writes.release();
        writes.awaitLines(26);

        assertEquals(lines(0, 25), writes.text());
        assertEquals(4, writes.count(), "1, then 10, 10 and 5");
    }

    @Test
    void aFullQueueMakesTheLoggerWaitAndNoLineIsDropped() throws Exception {
        Logger log = logger(4, 1024, pattern());
        queueBehindAHeldWrite(log, 0);
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= 10; i++) {
                log.info("line {}", i);
            }
        }, "producer");
        producer.start();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            while (producer.getState() != Thread.State.WAITING) {
                Thread.sleep(5);
            }
        });
        assertTrue(producer.isAlive(), "the fifth queued line waits for room");

        writes.release();
        producer.join(10_000);
        assertFalse(producer.isAlive());
        writes.awaitLines(11);
        assertEquals(lines(0, 10), writes.text());
    }

    @Test
    void stoppingWritesWhatIsStillQueued() throws Exception {
        Logger log = logger(8192, 1024, pattern());
        queueBehindAHeldWrite(log, 50);
        Thread releaser = new Thread(() -> {
            sleep(200);
            writes.release();
        });
        releaser.start();
        appender.stop();
        releaser.join();

        assertEquals(lines(0, 50), writes.text());
        log.info("after stop");
        assertEquals(lines(0, 50), writes.text(), "a stopped appender writes nothing more");
    }

    @Test
    void stoppingDoesNotHangWhenStandardOutputStopsTakingLines() {
        Logger log = logger(8192, 1024, pattern());
        writes.ignoreInterrupts();
        queueBehindAHeldWrite(log, 1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), appender::stop);
        assertEquals("line 0\n", writes.text(), "the line queued behind the stuck write is given up");
        assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
                .anyMatch(st -> st.getMessage().contains("1 queued lines not written")));
    }

    @Test
    void theJsonEncoderWritesOneObjectPerLine() {
        JsonEncoder json = new JsonEncoder();
        json.setWithContext(false);
        json.setWithSequenceNumber(false);
        json.setContext(context);
        json.start();
        Logger log = logger(8192, 1024, json);
        log.atInfo().addKeyValue("user", "alice").log("one");
        log.info("two");
        writes.awaitLines(2);

        String[] lines = writes.text().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{") && lines[0].endsWith("}") && lines[0].contains("\"alice\"")
                && lines[0].contains("\"one\""), lines[0]);
        assertTrue(lines[1].startsWith("{") && lines[1].contains("\"two\""), lines[1]);
    }

    /** A new appender on a logger of this test's context; anything the appender reports as an error fails the test. */
    private Logger logger(int queueSize, int maxBatch, Encoder<ILoggingEvent> encoder) {
        appender = new BatchedStdoutAppender(() -> writes.stream);
        appender.setContext(context);
        appender.setName("PRODUCT");
        appender.setQueueSize(queueSize);
        appender.setMaxBatch(maxBatch);
        appender.setEncoder(encoder);
        appender.start();
        assertTrue(appender.isStarted());
        Logger log = context.getLogger("socks5d.access");
        log.setAdditive(false);
        log.setLevel(Level.INFO);
        log.addAppender(appender);
        return log;
    }

    /** Logs "line 0", waits until the worker is held inside its write, then queues "line 1" to "line {@code n}". */
    private void queueBehindAHeldWrite(Logger log, int n) {
        writes.holdFirst();
        log.info("line 0");
        writes.awaitHeld();
        for (int i = 1; i <= n; i++) {
            log.info("line {}", i);
        }
    }

    private PatternLayoutEncoder pattern() {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern("%msg%n");
        e.start();
        return e;
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stream recording each write as one chunk; it can hold the first write until released. */
    private static final class Writes extends OutputStream {
        final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);
        private final List<String> chunks = Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean holdFirst;
        private volatile boolean ignoreInterrupts;

        void holdFirst() {
            holdFirst = true;
        }

        void awaitHeld() {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> held.await());
        }

        /** A held write that an interrupt does not end, as a write to a pipe nobody reads. */
        void ignoreInterrupts() {
            ignoreInterrupts = true;
        }

        void release() {
            released.countDown();
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            chunks.add(new String(b, off, len, StandardCharsets.UTF_8));
            if (holdFirst && chunks.size() == 1) {
                held.countDown();
                boolean interrupted = false;
                while (true) {
                    try {
                        released.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        if (!ignoreInterrupts) {
                            break;
                        }
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        int count() {
            return chunks.size();
        }

        String text() {
            synchronized (chunks) {
                return String.join("", chunks);
            }
        }

        void awaitLines(int n) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                while (text().chars().filter(c -> c == '\n').count() < n) {
                    Thread.sleep(5);
                }
            });
        }
    }
}
