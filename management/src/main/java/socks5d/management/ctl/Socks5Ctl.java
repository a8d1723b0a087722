package socks5d.management.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import socks5d.wire.Decoded;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.management.mcp.wire.McpLimitMetrics;
import socks5d.management.mcp.wire.McpMetrics;
import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.mcp.wire.McpResponse;
import socks5d.management.mcp.wire.McpStatus;

/**
 * socks5ctl, the admin client of socks5d (README, socks5ctl): speaks MCP (docs/protocols/mcp.md) to
 * {@code -L ADDR -P PORT} with a plain blocking socket. Human-readable output by default,
 * {@code --json} for scripts. Exit status: 0 success, 1 failure (connection refused, error status,
 * bad response), 2 usage. One thread; no actor system.
 *
 * <pre>
 *   socks5ctl [-L ADDR] [-P PORT] [--json] metrics
 *   socks5ctl users
 *   socks5ctl add-user NAME PASS        (PASS "-" reads the password from standard input)
 *   socks5ctl del-user NAME
 *   socks5ctl toggle-dissector [on|off] (no argument flips the switch: TOGGLE_DISECTOR without STATE)
 *   socks5ctl watch [--count N]         (metrics every second until Ctrl-C, or N times)
 *   socks5ctl limits                    (what the limits refused or slowed: GET_LIMIT_METRICS)
 *   socks5ctl nodes                     (the cluster's nodes, their state and counters: CLUSTER_NODES)
 * </pre>
 */
@Command(name = "socks5ctl", mixinStandardHelpOptions = true, version = "socks5ctl 0.1.0",
        description = "Monitor and configure a running socks5d over MCP.",
        subcommands = {Socks5Ctl.MetricsCommand.class, Socks5Ctl.UsersCommand.class, Socks5Ctl.AddUserCommand.class,
                Socks5Ctl.DelUserCommand.class, Socks5Ctl.ToggleDissectorCommand.class, Socks5Ctl.WatchCommand.class,
                Socks5Ctl.LimitsCommand.class, Socks5Ctl.NodesCommand.class})
public final class Socks5Ctl implements Callable<Integer> {
    /** Exit status of a failed command (usage errors are picocli's 2). */
    public static final int FAILURE = 1;

    @Option(names = "-L", paramLabel = "ADDR", defaultValue = "127.0.0.1", scope = ScopeType.INHERIT,
            description = "MCP address (default: ${DEFAULT-VALUE})")
    String address;

    @Option(names = "-P", paramLabel = "PORT", defaultValue = "8080", scope = ScopeType.INHERIT,
            description = "MCP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print JSON for scripts")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5", scope = ScopeType.INHERIT,
            description = "connect and response timeout in seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs one command line and returns the exit status (tests call this instead of {@link #main}). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Socks5Ctl());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("socks5ctl: " + message(e));
            commandLine.getErr().flush();
            return FAILURE;
        });
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND");
    }

    /** A failure reported to the user as one line. */
    static final class CtlException extends Exception {
        private static final long serialVersionUID = 1L;

        CtlException(String message) {
            super(message, null, false, false);
        }
    }

    private static String message(Exception e) {
        if (e instanceof CtlException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    // ------------------------------------------------------------------------------ plumbing

    McpClient connect() throws CtlException {
        try {
            return McpClient.connect(address, port, Duration.ofSeconds(timeoutSeconds));
        } catch (ConnectException e) {
            throw new CtlException("cannot connect to " + address + ":" + port + ": connection refused");
        } catch (UnknownHostException e) {
            throw new CtlException("cannot connect to " + address + ":" + port + ": unknown host");
        } catch (SocketTimeoutException e) {
            throw new CtlException("cannot connect to " + address + ":" + port + ": timed out");
        } catch (IOException e) {
            throw new CtlException("cannot connect to " + address + ":" + port + ": " + e.getMessage());
        }
    }

    McpResponse call(McpClient client, McpRequest request, String subject) throws CtlException {
        McpResponse response;
        try {
            response = client.call(request);
        } catch (SocketTimeoutException e) {
            throw new CtlException("no answer from " + address + ":" + port + " within " + timeoutSeconds + " s");
        } catch (IOException e) {
            throw new CtlException("MCP exchange with " + address + ":" + port + " failed: " + e.getMessage());
        }
        if (response.status() != McpStatus.OK) {
            throw new CtlException(statusMessage(response.status(), subject));
        }
        return response;
    }

    /** One call on a fresh connection. */
    McpResponse call(McpRequest request, String subject) throws CtlException {
        try (McpClient client = connect()) {
            return call(client, request, subject);
        } catch (IOException closeFailed) {
            throw new CtlException("closing the connection failed: " + closeFailed.getMessage());
        }
    }

    private static String statusMessage(McpStatus status, String subject) {
        switch (status) {
            case USER_EXISTS: return "user " + subject + " already exists (USER_EXISTS)";
            case USER_NOT_FOUND: return "user " + subject + " not found (USER_NOT_FOUND)";
            case USER_LIMIT: return "the server holds its maximum number of users (USER_LIMIT)";
            case CMD_NOT_SUPPORTED: return "the server does not support this command (CMD_NOT_SUPPORTED)";
            default: return "the server answered " + status;
        }
    }

    static <T> T payload(Decoded<T> decoded) throws CtlException {
        if (decoded instanceof Decoded.Ok<T> ok) {
            return ok.value();
        }
        throw new CtlException("malformed response payload: "
                + (decoded instanceof Decoded.Invalid<T> invalid ? invalid.why() : "incomplete"));
    }

    static Map<String, Long> metricsFields(McpMetrics m) {
        Map<String, Long> fields = new LinkedHashMap<>();
        fields.put("historic_connections", m.historicConnections());
        fields.put("current_connections", m.currentConnections());
        fields.put("bytes_transferred", m.bytesTransferred());
        fields.put("successful_connections", m.successfulConnections());
        fields.put("failed_connections", m.failedConnections());
        fields.put("client_bytes", m.clientBytes());
        return fields;
    }

    static Map<String, Long> limitFields(McpLimitMetrics m) {
        Map<String, Long> fields = new LinkedHashMap<>();
        fields.put("refused_address_concurrency", m.refusedAddressConcurrency());
        fields.put("refused_address_rate", m.refusedAddressRate());
        fields.put("refused_user_sessions", m.refusedUserSessions());
        fields.put("logins_throttled", m.loginsThrottled());
        fields.put("sessions_shaped", m.sessionsShaped());
        return fields;
    }

    void printMetrics(PrintWriter out, McpMetrics m, Optional<Instant> time) {
        printFields(out, metricsFields(m), time);
    }

    void printFields(PrintWriter out, Map<String, Long> fields, Optional<Instant> time) {
        if (json) {
            StringBuilder s = new StringBuilder("{");
            time.ifPresent(t -> s.append("\"time\":").append(Json.string(t.toString())).append(','));
            fields.forEach((k, v) -> s.append(Json.string(k)).append(':').append(v).append(','));
            s.setLength(s.length() - 1);
            out.println(s.append('}'));
        } else {
            time.ifPresent(t -> out.println(t));
            fields.forEach((k, v) -> out.printf("%-24s %d%n", k, v));
        }
    }

    // ------------------------------------------------------------------------------ commands

    /** What every command shares: the parent's options and MCP plumbing, the output, usage errors (exit 2). */
    abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand
        Socks5Ctl ctl;

        PrintWriter out() {
            return ctl.spec.commandLine().getOut();
        }

        CommandLine.ParameterException usageError(String message) {
            return new CommandLine.ParameterException(ctl.spec.commandLine(), message);
        }

        /** The request {@code build} makes of the arguments, or a usage error naming what it refused. */
        <R extends McpRequest> R checked(Supplier<R> build) {
            try {
                return build.get();
            } catch (IllegalArgumentException e) {
                throw usageError(e.getMessage());
            }
        }
    }

    @Command(name = "metrics", description = "Print the six MCP counters (GET_METRICS).")
    static final class MetricsCommand extends Subcommand {
        @Override
        public Integer call() throws CtlException {
            McpResponse r = ctl.call(McpRequest.GetMetrics.INSTANCE, "");
            ctl.printMetrics(out(), payload(McpCodec.decodeMetrics(r.payload())),
                    Optional.empty());
            return 0;
        }
    }

    @Command(name = "limits", description = "Print what the limits refused or slowed (GET_LIMIT_METRICS).")
    static final class LimitsCommand extends Subcommand {
        @Override
        public Integer call() throws CtlException {
            McpResponse r = ctl.call(McpRequest.GetLimitMetrics.INSTANCE, "");
            McpLimitMetrics limits = payload(McpCodec.decodeLimitMetrics(r.payload()));
            ctl.printFields(out(), limitFields(limits), Optional.empty());
            return 0;
        }
    }

    @Command(name = "nodes", description = "List the cluster's nodes, their state and counters (CLUSTER_NODES).")
    static final class NodesCommand extends Subcommand {
        static final String[] FIELDS = {"address", "status", "current_connections", "historic_connections",
                "bytes_proxied", "bytes_transferred", "client_bytes"};

        @Override
        public Integer call() throws CtlException {
            McpResponse r = ctl.call(McpRequest.ClusterNodes.INSTANCE, "");
            String text = r.payload().decodeString(StandardCharsets.UTF_8);
            List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n"));
            PrintWriter out = out();
            if (ctl.json) {
                StringBuilder s = new StringBuilder("{\"nodes\":[");
                for (int i = 0; i < lines.size(); i++) {
                    String[] f = lines.get(i).split("\t", -1);
                    s.append(i == 0 ? "{" : ",{");
                    for (int k = 0; k < Math.min(f.length, FIELDS.length); k++) {
                        s.append(k == 0 ? "" : ",").append(Json.string(FIELDS[k])).append(':')
                                .append(k < 2 ? Json.string(f[k]) : f[k]);
                    }
                    s.append('}');
                }
                out.println(s.append("]}"));
            } else if (lines.isEmpty()) {
                out.println("not a cluster: the server runs alone");
            } else {
                out.printf("%-36s %-12s %8s %10s %14s%n", "NODE", "STATUS", "CURRENT", "HISTORIC", "BYTES_PROXIED");
                for (String line : lines) {
                    String[] f = line.split("\t", -1);
                    if (f.length >= 5) {
                        out.printf("%-36s %-12s %8s %10s %14s%n", f[0], f[1], f[2], f[3], f[4]);
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "users", description = "List the users (LIST_USERS; at most 255).")
    static final class UsersCommand extends Subcommand {
        @Override
        public Integer call() throws CtlException {
            McpResponse r = ctl.call(McpRequest.ListUsers.INSTANCE, "");
            List<String> names = payload(McpCodec.decodeUserList(r.payload()));
            PrintWriter out = out();
            if (ctl.json) {
                out.println("{\"users\":[" + String.join(",", names.stream().map(Json::string).toList()) + "]}");
            } else {
                names.forEach(out::println);
            }
            return 0;
        }
    }

    @Command(name = "add-user", description = "Add a BASIC user (ADD_USER).")
    static final class AddUserCommand extends Subcommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "1 to 255 bytes")
        String name;

        @Parameters(index = "1", paramLabel = "PASS", description = "1 to 255 bytes; - reads it from standard input")
        String password;

        @Override
        public Integer call() throws CtlException, IOException {
            String pass = "-".equals(password) ? readPassword() : password;
            ctl.call(checked(() -> new McpRequest.AddUser(name, pass)), name);
            out().println(ctl.json ? "{\"added\":" + Json.string(name) + "}" : "added user " + name);
            return 0;
        }

        private static String readPassword() throws IOException {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        }
    }

    @Command(name = "del-user", description = "Remove a user (REMOVE_USER).")
    static final class DelUserCommand extends Subcommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws CtlException {
            ctl.call(checked(() -> new McpRequest.RemoveUser(name)), name);
            out().println(ctl.json ? "{\"removed\":" + Json.string(name) + "}" : "removed user " + name);
            return 0;
        }
    }

    @Command(name = "toggle-dissector",
            description = "Switch the password dissectors (TOGGLE_DISECTOR): on, off, or flip when omitted.")
    static final class ToggleDissectorCommand extends Subcommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "on|off", description = "the wanted state")
        String wanted;

        @Override
        public Integer call() throws CtlException {
            Optional<Boolean> state;
            if (wanted == null) {
                state = Optional.empty();
            } else if (wanted.equalsIgnoreCase("on")) {
                state = Optional.of(true);
            } else if (wanted.equalsIgnoreCase("off")) {
                state = Optional.of(false);
            } else {
                throw usageError("expected on or off, got " + wanted);
            }
            McpResponse r = ctl.call(new McpRequest.ToggleDissector(state), "");
            boolean on = payload(McpCodec.decodeDissectorState(r.payload()));
            out().println(ctl.json ? "{\"dissectors\":" + on + "}" : "dissectors " + (on ? "on" : "off"));
            return 0;
        }
    }

    @Command(name = "watch", description = "Print the metrics every second until Ctrl-C (JSON: one object per line).")
    static final class WatchCommand extends Subcommand {
        @Option(names = "--count", paramLabel = "N", description = "stop after N samples (default: never)")
        Integer count;

        @Override
        public Integer call() throws CtlException, InterruptedException {
            PrintWriter out = out();
            // One persistent connection for the whole watch (docs/protocols/mcp.md).
            try (McpClient client = ctl.connect()) {
                for (int i = 0; count == null || i < count; i++) {
                    if (i > 0) {
                        Thread.sleep(Duration.ofSeconds(1).toMillis());
                        if (!ctl.json) {
                            out.println();
                        }
                    }
                    McpResponse r = ctl.call(client, McpRequest.GetMetrics.INSTANCE, "");
                    ctl.printMetrics(out, payload(McpCodec.decodeMetrics(r.payload())),
                            Optional.of(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
                    out.flush();
                }
            } catch (IOException closeFailed) {
                throw new CtlException("closing the connection failed: " + closeFailed.getMessage());
            }
            return 0;
        }
    }

    /** Minimal JSON string quoting for names (RFC 8259 §7). */
    static final class Json {
        private Json() {
        }

        static String string(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"': b.append("\\\""); break;
                    case '\\': b.append("\\\\"); break;
                    case '\n': b.append("\\n"); break;
                    case '\r': b.append("\\r"); break;
                    case '\t': b.append("\\t"); break;
                    default:
                        if (c < ' ') {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                }
            }
            return b.append('"').toString();
        }
    }
}
