package socks5d.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

/**
 * The product lines' appender (access log, credential reports; logback.xml): what logback's
 * {@code AsyncAppender} in front of a {@code ConsoleAppender} did, with one write to standard output
 * per batch instead of one per line. Loggers hand events to a bounded queue (they wait when it is full:
 * no line is dropped); one thread takes whatever has queued up, encodes it with the configured encoder
 * and writes it with one {@code write(2)}, so a busy proxy writes a batch of lines per system call
 * instead of one per session, and an idle one still writes each line at once. {@link #stop()} writes
 * what is still queued, unless standard output has stopped taking lines (then it gives them up rather
 * than keep the process from exiting).
 *
 * <p>Configured in logback.xml as {@code <appender class="socks5d.proxy.BatchedStdoutAppender">} with an
 * {@code <encoder>} and optionally {@code <queueSize>} (default 8192) and {@code <maxBatch>} (default
 * 1024 events per write). Its queue and worker thread are its own; it keeps no static state.
 */
public final class BatchedStdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final long STOP_WAIT_MILLIS = 1000;

    /** Standard output as it is at each write (as logback's ConsoleAppender); another stream in tests. */
    private final Supplier<PrintStream> out;
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 8192;
    private int maxBatch = 1024;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread worker;

    public BatchedStdoutAppender() {
        this(() -> System.out);
    }

    BatchedStdoutAppender(Supplier<PrintStream> out) {
        this.out = out;
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (encoder == null) {
            addError("No encoder set for the appender named \"" + name + "\".");
            return;
        }
        if (queueSize < 1 || maxBatch < 1) {
            addError("queueSize and maxBatch must be positive, were " + queueSize + " and " + maxBatch);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        write(encoder.headerBytes());
        super.start(); // before the worker, which runs while started
        worker = new Thread(this::drain, "socks5d-stdout-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The message, MDC and thread name are fixed now, as AsyncAppender does before queueing.
        event.prepareForDeferredProcessing();
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            addWarn("interrupted while queueing a line; writing it directly");
            write(List.of(event));
        }
    }

    /** The worker: waits for the first event, takes every one queued behind it (at most maxBatch), writes them at once. */
    private void drain() {
        List<ILoggingEvent> batch = new ArrayList<>();
        while (isStarted() || !queue.isEmpty()) {
            try {
                ILoggingEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                // stop() interrupts only once stopped; the loop writes what is left.
            } catch (RuntimeException e) {
                batch.clear();
                addError("cannot write log lines", e);
            }
        }
    }

    private void write(List<ILoggingEvent> events) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128 * events.size());
        for (ILoggingEvent e : events) {
            byte[] bytes = encoder.encode(e);
            if (bytes != null) {
                buf.writeBytes(bytes);
            }
        }
        PrintStream stream = out.get();
        try {
            buf.writeTo(stream);
        } catch (IOException e) {
            addError("cannot write to standard output", e);
        }
        stream.flush();
    }

    private void write(byte[] bytes) {
        if (bytes != null && bytes.length > 0) {
            PrintStream stream = out.get();
            stream.write(bytes, 0, bytes.length);
            stream.flush();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        try {
            worker.join(STOP_WAIT_MILLIS);
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(STOP_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            // Still in a write that does not return (standard output is a pipe nobody reads): writing
            // more here would block the exit too, so what is left queued is given up.
            addWarn(queue.size() + " queued lines not written: standard output does not take them");
            return;
        }
        List<ILoggingEvent> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            write(left);
        }
        write(encoder.footerBytes());
    }
}
