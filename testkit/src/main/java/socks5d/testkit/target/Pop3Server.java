package socks5d.testkit.target;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * Embedded POP3 server for the password dissector (docs/protocols/socks5.md, Credential lines):
 * greets with {@code +OK POP3 ready}, answers {@code USER}, {@code PASS} and {@code QUIT} with
 * {@code +OK} (QUIT then closes) and anything else with {@code -ERR}, and records every (user,
 * password) pair it saw, so a test can compare them with what the proxy logged.
 *
 * <p>Threading: NIO selector threads (see {@link NioServer}); the records are thread-safe lists, and the
 * credentials list is also the monitor that {@link #awaitCredentials} waits on.
 */
public final class Pop3Server extends TargetServer {
    /** The greeting line, CRLF included. */
    public static final String GREETING = "+OK POP3 ready\r\n";
    /** A command line longer than this (RFC 1939 allows 255) closes the connection. */
    private static final int MAX_LINE = 1024;

    /** One login attempt: the USER argument and the PASS argument that followed it. */
    public record Credentials(String user, String password) {
    }

    private final List<Credentials> credentials;
    private final List<String> lines;

    private Pop3Server(NioServer nio, List<Credentials> credentials, List<String> lines) {
        super(nio);
        this.credentials = credentials;
        this.lines = lines;
    }

    /** Starts a POP3 server on {@code bindAddr} (a loopback address), ephemeral port. */
    public static Pop3Server start(InetAddress bindAddr) {
        List<Credentials> credentials = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        return new Pop3Server(NioServer.start("pop3", bindAddr, 1, 0, () -> new Session(credentials, lines)),
                credentials, lines);
    }

    /** Every (user, password) pair seen so far, in arrival order. */
    public List<Credentials> credentials() {
        return List.copyOf(credentials);
    }

    /** Every command line received so far (CRLF stripped), over all connections. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits (polling, bounded) until at least {@code n} pairs were seen and returns them. */
    public List<Credentials> awaitCredentials(int n, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (credentials) {
            while (credentials.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("saw " + credentials.size() + " of " + n + " credentials");
                }
                credentials.wait(Math.max(1, left / 1_000_000));
            }
        }
        return credentials();
    }

    private static final class Session implements ConnectionHandler {
        private final List<Credentials> credentials;
        private final List<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private String user;

        Session(List<Credentials> credentials, List<String> lines) {
            this.credentials = credentials;
            this.lines = lines;
        }

        @Override
        public void onOpen(Connection c) {
            send(c, GREETING);
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            while (data.hasRemaining() && !c.isClosed()) {
                byte b = data.get();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    line.reset();
                    onLine(c, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
                } else if (line.size() >= MAX_LINE) {
                    send(c, "-ERR line too long\r\n");
                    c.closeWhenDrained();
                } else {
                    line.write(b);
                }
            }
        }

        private void onLine(Connection c, String text) {
            lines.add(text);
            int space = text.indexOf(' ');
            String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String arg = space < 0 ? "" : text.substring(space + 1);
            switch (verb) {
                case "USER" -> {
                    user = arg;
                    send(c, "+OK send PASS\r\n");
                }
                case "PASS" -> {
                    if (user == null) {
                        send(c, "-ERR USER first\r\n");
                    } else {
                        synchronized (credentials) {
                            credentials.add(new Credentials(user, arg));
                            credentials.notifyAll();
                        }
                        user = null;
                        send(c, "+OK logged in\r\n");
                    }
                }
                case "QUIT" -> {
                    send(c, "+OK bye\r\n");
                    c.closeWhenDrained();
                }
                default -> send(c, "-ERR unknown command\r\n");
            }
        }

        private static void send(Connection c, String text) {
            c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
        }
    }
}
