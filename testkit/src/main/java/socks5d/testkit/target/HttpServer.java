package socks5d.testkit.target;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpExchange;

/**
 * Tiny embedded HTTP/1.1 server: {@code GET /} (any path) answers 200 with {@link #BODY}, a
 * Content-Length and {@code Connection: close}; other methods get 405. It records every request's method,
 * URI and headers, so a test can check e.g. that an {@code Authorization} header went through the proxy.
 *
 * <p>Threading: the JDK's {@code com.sun.net.httpserver} selector thread plus a small fixed pool for
 * handlers; the request list is thread-safe and is the monitor {@link #awaitRequests} waits on.
 */
public final class HttpServer implements AutoCloseable {
    /** The body of every 200 answer. */
    public static final String BODY = "hello from socks5d testkit\n";
    private static final int HANDLER_THREADS = 2;
    private static final int BACKLOG = 1024;

    /** One request as received; header names are matched case-insensitively. */
    public record Request(String method, URI uri, Map<String, List<String>> headers) {
        /** The first value of header {@code name}, if present. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    private final com.sun.net.httpserver.HttpServer server;
    private final ExecutorService pool;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private HttpServer(InetAddress bindAddr) throws IOException {
        server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(bindAddr, 0), BACKLOG);
        pool = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
            Thread t = new Thread(r, "http-target");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an HTTP server on {@code bindAddr} (a loopback address), ephemeral port. */
    public static HttpServer start(InetAddress bindAddr) {
        try {
            return new HttpServer(bindAddr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            synchronized (requests) {
                requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI(),
                        java.util.Collections.unmodifiableMap(headers)));
                requests.notifyAll();
            }
            try (InputStream in = ex.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            ex.getResponseHeaders().add("Connection", "close");
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=us-ascii");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetAddress address() {
        return server.getAddress().getAddress();
    }

    public InetSocketAddress socketAddress() {
        return server.getAddress();
    }

    /** Every request received so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Waits (bounded) until at least {@code n} requests arrived and returns them. */
    public List<Request> awaitRequests(int n, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("saw " + requests.size() + " of " + n + " requests");
                }
                requests.wait(Math.max(1, left / 1_000_000));
            }
        }
        return requests();
    }

    /** Stops the listener at once and the handler pool (bounded wait). */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
