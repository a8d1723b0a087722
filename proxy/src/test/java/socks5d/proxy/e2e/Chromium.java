package socks5d.proxy.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol on a WebSocket
 * from the JDK's HttpClient: navigate, evaluate JavaScript in the page, take a screenshot. Test helper,
 * no browser download: the browser comes from the system ({@code .ci/run} installs it). Not thread-safe
 * except for its WebSocket listener.
 */
final class Chromium implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Pattern PAGE_WS = Pattern.compile(
            "\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+)\"");
    private static final Pattern PAGE_WS_BEFORE = Pattern.compile(
            "\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+)\"");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The browser's executable, or null when none is installed. */
    static String executable() {
        for (String name : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(name))) {
                return name;
            }
        }
        return null;
    }

    static Chromium launch(int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("socks5d-chromium");
        Process p = new ProcessBuilder(executable(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).start();
        String browserWs = null;
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        while (browserWs == null && System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
            }
        }
        if (browserWs == null) {
            p.destroyForcibly();
            throw new IOException("chromium did not open its DevTools endpoint:\n" + seen);
        }
        // Keep draining its output so that it never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException ignored) {
                // the browser exited
            }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        URI http = URI.create(browserWs.replaceFirst("^ws://", "http://").replaceFirst("/devtools/.*$", "/json/list"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String pageWs = null;
        while (pageWs == null && System.nanoTime() < deadline) {
            String list = client.send(HttpRequest.newBuilder(http).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = PAGE_WS.matcher(list);
            if (m.find()) {
                pageWs = m.group(1);
            } else if (list.contains("\"page\"")) {
                Matcher any = PAGE_WS_BEFORE.matcher(list);
                pageWs = any.find() ? any.group(1) : null;
            }
            if (pageWs == null) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        if (pageWs == null) {
            p.destroyForcibly();
            throw new IOException("chromium has no page target");
        }
        Chromium[] self = new Chromium[1];
        CompletableFuture<Chromium> ready = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    ready.thenAccept(c -> c.received(message));
                }
                webSocket.request(1);
                return null;
            }
        }).join();
        self[0] = new Chromium(p, profile, ws);
        ready.complete(self[0]);
        return self[0];
    }

    private void received(String message) {
        Matcher m = Pattern.compile("^\\{\"id\":(\\d+),").matcher(message);
        if (m.find()) {
            CompletableFuture<String> f = pending.remove(Integer.parseInt(m.group(1)));
            if (f != null) {
                f.complete(message);
            }
        }
    }

    /** Sends one DevTools command ({@code params} is a JSON object) and returns the raw JSON answer. */
    String call(String method, String params) {
        int id = ids.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
        try {
            String a = answer.get(30, TimeUnit.SECONDS);
            if (a.contains("\"error\":{")) {
                throw new IllegalStateException(method + " failed: " + a);
            }
            return a;
        } catch (Exception e) {
            throw new IllegalStateException(method + ": " + e, e);
        }
    }

    void navigate(String url) {
        call("Page.navigate", "{\"url\":" + quote(url) + "}");
    }

    /**
     * Evaluates {@code expression} in the page (awaiting a promise) and returns its value as text:
     * the expression should produce a string or number.
     */
    String eval(String expression) {
        String a = call("Runtime.evaluate", "{\"expression\":" + quote("Promise.resolve(" + expression + ").then(String)")
                + ",\"awaitPromise\":true,\"returnByValue\":true}");
        if (a.contains("\"exceptionDetails\"")) {
            throw new IllegalStateException("exception in page: " + a);
        }
        int start = a.indexOf("\"value\":\"");
        if (start < 0) {
            throw new IllegalStateException("no value in " + a);
        }
        start += 9;
        int end = start;
        while (a.charAt(end) != '"') {
            end += a.charAt(end) == '\\' ? 2 : 1;
        }
        return unquote(a.substring(start, end));
    }

    /** Polls {@code condition} every 100 ms for at most {@code within}; throws AssertionError with {@code what}. */
    void await(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A PNG of the page's viewport. */
    byte[] screenshot() {
        String a = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        Matcher m = Pattern.compile("\"data\":\"([A-Za-z0-9+/=]+)\"").matcher(a);
        if (!m.find()) {
            throw new IllegalStateException("no screenshot data");
        }
        return Base64.getDecoder().decode(m.group(1));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String unquote(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(n);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }
    }
}
