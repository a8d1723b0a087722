package socks5d.management.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.apache.pekko.stream.TLSProtocol.SessionBytes;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import socks5d.management.ManagementListener;
import socks5d.management.StateActors;
import socks5d.management.StateClient;
import socks5d.management.accesslog.AccessLog;
import socks5d.management.admission.ConnectionGauge;
import socks5d.management.limits.LoginThrottle;
import socks5d.management.metrics.Metrics;
import socks5d.management.switches.Switches;
import socks5d.management.users.UserDirectory;

/**
 * The HTTP admin listener, pekko-http's server layer on Pekko TCP (docs/operations.md, HTTP admin
 * endpoint): Prometheus {@code /metrics}, {@code /health/live} and {@code /health/ready}, and the status page {@code /}
 * with its JSON API. Reading is open (like MCP, it belongs on loopback); changing users or switches
 * needs HTTP Basic credentials of an ADMIN user of the same user directory, and failed logins from
 * one address are answered later and later, then refused for a while, as for MASS and PCTP
 * ({@link LoginThrottle}). No response ever
 * carries a password. Each request asks every state actor it needs at most once (a scrape asks only
 * the metrics actor, once). Connections beyond {@code max-connections} are closed at once, as on
 * the other management listeners. Stateless beyond the actors and an immutable set of resources;
 * each connection's flow is confined to its stream.
 */
public final class AdminHttpServer {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final ContentType JSON = ContentTypes.APPLICATION_JSON;
    private static final String LISTENER = "HTTP admin";
    /** The status page's files, from the jar: name, media type and bytes. */
    private static final Map<String, Resource> RESOURCES = Map.of(
            "/", resource("index.html", "text/html; charset=UTF-8"),
            "/status.js", resource("status.js", "application/javascript; charset=UTF-8"),
            "/status.css", resource("status.css", "text/css; charset=UTF-8"));

    /** Largest request body read: forms of a few fields. */
    private static final long MAX_BODY = 64 * 1024;

    /**
     * Largest piece of a connection's bytes handed to pekko-http's request parser at once. Its parser
     * (1.3.0) recurses once per request found in one piece, so a client that pipelines a thousand small
     * requests in one write overflowed the stack of the thread parsing them, which Pekko treats as fatal
     * and ends the JVM with (jvm-exit-on-fatal-error): any local client could stop socks5d. A request of
     * at least 16 octets, in pieces of 512, keeps that depth at 32.
     */
    static final int PARSER_PIECE = 512;

    private record Resource(ContentType type, byte[] bytes) {
    }

    private AdminHttpServer() {
    }

    /**
     * Binds the listener on {@code settings.listenAddress()} and {@code settings.port()}; the stage
     * fails if the bind fails. Warns when the address is not a loopback address.
     */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, HttpSettings settings, StateActors state,
                                                      Readiness readiness) {
        return bind(system, settings, state, readiness, settings.port());
    }

    /** As {@link #bind(ActorSystem, HttpSettings, StateActors, Readiness)} on an explicit port (tests bind 0). */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, HttpSettings settings, StateActors state,
                                                      Readiness readiness, int port) {
        warnUnlessLoopback(settings.listenAddress());
        // The directory answers once it has loaded the user file (it stashes until then).
        StateClient client = new StateClient(state, settings.askTimeout(), system.scheduler());
        client.withTimeout(settings.askTimeout().multipliedBy(12)).listUsers()
                .whenComplete((users, failure) -> {
                    if (failure == null) {
                        readiness.usersLoaded();
                    } else {
                        log.warn("The user directory did not answer: /health/ready stays not ready ({})", failure.toString());
                    }
                });
        LoginThrottle failedLogins = new LoginThrottle("HTTP", settings.loginThrottle(), System::nanoTime);
        ConnectionGauge gauge = new ConnectionGauge(settings.maxConnections());
        PrometheusExposition exposition = new PrometheusExposition();
        Materializer mat = SystemMaterializer.get(system).materializer();
        ServerSettings server = ServerSettings.create(system.classicSystem());
        // pekko-http's own binding, on plain TCP, so that bytes reach its parser in small pieces (below);
        // idle connections close after pekko.http.server.idle-timeout, as with Http.newServerAt, and that
        // timeout also counts complete requests (ManagementListener.requestDeadlines): a request sent a
        // byte at a time cannot hold a connection for longer.
        Duration idle = server.getTimeouts().idleTimeout().isFinite()
                ? Duration.ofNanos(server.getTimeouts().idleTimeout().toNanos()) : null;
        CompletionStage<Tcp.ServerBinding> binding = Tcp.get(system)
                .bind(settings.listenAddress(), port, ManagementListener.BACKLOG, List.of(), false, Optional.ofNullable(idle))
                .to(Sink.foreach(connection -> ManagementListener.admit(gauge, LISTENER, connection.remoteAddress(),
                        () -> connectionFlow(system, server, connection.remoteAddress(),
                                ManagementListener.<HttpRequest>requestDeadlines(settings.firstRequestTimeout(),
                                                Optional.ofNullable(idle))
                                        .mapAsync(1, new Handler(client, settings, readiness, exposition,
                                                failedLogins, mat, connection.remoteAddress())::handle)),
                        Flow.fromSinkAndSource(Sink.<ByteString>cancelled(), Source.<ByteString>empty()),
                        f -> connection.handleWith(f, mat))))
                .run(mat);
        // Unbound at service-stop, not service-unbind: kept through the drain, so that /health/ready
        // answers "not ready" while sessions finish.
        return ManagementListener.announce(system, LISTENER, CoordinatedShutdown.PhaseServiceStop(), binding,
                Tcp.ServerBinding::localAddress, Tcp.ServerBinding::unbind);
    }

    /** One connection: bytes in pieces of at most {@link #PARSER_PIECE}, pekko-http's server layer, {@code handler}. */
    static Flow<ByteString, ByteString, NotUsed> connectionFlow(ActorSystem<?> system, ServerSettings server,
                                                               InetSocketAddress remote,
                                                               Flow<HttpRequest, HttpResponse, NotUsed> handler) {
        BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> plain = BidiFlow.fromFlows(
                        Flow.<SslTlsOutbound>create(), Flow.<SessionBytes>create().map(b -> (SslTlsInbound) b))
                .atop(TLSPlacebo.getInstance());
        Flow<ByteString, ByteString, NotUsed> http = Http.get(system).serverLayer(server, Optional.of(remote))
                .atop(plain).reversed().join(handler);
        return Flow.of(ByteString.class).mapConcat(AdminHttpServer::pieces).via(http);
    }

    /** {@code bytes} cut into pieces of at most {@link #PARSER_PIECE} octets (no copy). */
    static List<ByteString> pieces(ByteString bytes) {
        if (bytes.size() <= PARSER_PIECE) {
            return List.of(bytes);
        }
        List<ByteString> pieces = new ArrayList<>(bytes.size() / PARSER_PIECE + 1);
        for (int from = 0; from < bytes.size(); from += PARSER_PIECE) {
            pieces.add(bytes.slice(from, Math.min(bytes.size(), from + PARSER_PIECE)));
        }
        return pieces;
    }

    static void warnUnlessLoopback(String address) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            log.warn("HTTP admin listen address [{}] is not a loopback address: anyone who can reach it can read "
                    + "metrics, users and sessions, and guess ADMIN passwords", address);
        }
    }

    private static Resource resource(String name, String type) {
        try (InputStream in = AdminHttpServer.class.getResourceAsStream("/socks5d/status/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource socks5d/status/" + name);
            }
            return new Resource(ContentTypes.parse(type), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers the requests of one connection, in order. */
    private static final class Handler {
        private final StateClient state;
        /** The same actors with a longer timeout for changes that write the user file. */
        private final StateClient writes;
        private final HttpSettings settings;
        private final Readiness readiness;
        private final PrometheusExposition exposition;
        private final LoginThrottle failedLogins;
        private final Materializer mat;
        private final InetSocketAddress peer;

        Handler(StateClient state, HttpSettings settings, Readiness readiness, PrometheusExposition exposition,
                LoginThrottle failedLogins, Materializer mat, InetSocketAddress peer) {
            this.state = state;
            this.writes = state.withTimeout(settings.askTimeout().multipliedBy(4));
            this.settings = settings;
            this.readiness = readiness;
            this.exposition = exposition;
            this.failedLogins = failedLogins;
            this.mat = mat;
            this.peer = peer;
        }

        /** Reads the whole body first (at most {@link #MAX_BODY} bytes), so that no answer leaves it unread. */
        CompletionStage<HttpResponse> handle(HttpRequest request) {
            return request.entity().toStrict(settings.askTimeout().toMillis(), MAX_BODY, mat)
                    .thenCompose(strict -> handle(request, strict.getData().utf8String()))
                    .exceptionally(e -> error(StatusCodes.BAD_REQUEST, "request body too large or too slow"));
        }

        private CompletionStage<HttpResponse> handle(HttpRequest request, String body) {
            String path = request.getUri().path();
            boolean get = request.method() == HttpMethods.GET || request.method() == HttpMethods.HEAD;
            CompletionStage<HttpResponse> answer;
            try {
                if (get && RESOURCES.containsKey(path)) {
                    Resource r = RESOURCES.get(path);
                    answer = done(HttpResponse.create().withEntity(HttpEntities.create(r.type(), r.bytes()))
                            .addHeader(RawHeader.create("Content-Security-Policy",
                                    "default-src 'self'; frame-ancestors 'none'")));
                } else if (get && path.equals("/metrics")) {
                    answer = metrics(request);
                } else if (get && path.equals("/health/live")) {
                    answer = done(json(StatusCodes.OK, Json.obj("status", Json.str("live"))));
                } else if (get && path.equals("/health/ready")) {
                    String why = readiness.notReadyBecause();
                    answer = done(why == null ? json(StatusCodes.OK, Json.obj("status", Json.str("ready")))
                            : json(StatusCodes.SERVICE_UNAVAILABLE,
                            Json.obj("status", Json.str("not ready"), "reason", Json.str(why))));
                } else if (get && path.equals("/api/status")) {
                    answer = status();
                } else if (get && path.equals("/api/login")) {
                    answer = asAdmin(request, admin -> done(json(StatusCodes.OK,
                            Json.obj("user", Json.str(admin), "role", Json.str("ADMIN")))));
                } else if (request.method() == HttpMethods.POST && path.equals("/api/users")) {
                    answer = asAdmin(request, admin -> addUser(admin, parseForm(body)));
                } else if (request.method() == HttpMethods.DELETE && path.equals("/api/users")) {
                    Optional<String> name = request.getUri().query().get("name");
                    answer = asAdmin(request, admin -> name.map(n -> deleteUser(admin, n))
                            .orElseGet(() -> done(error(StatusCodes.BAD_REQUEST, "name missing"))));
                } else if (request.method() == HttpMethods.POST && path.equals("/api/limits")) {
                    answer = asAdmin(request, admin -> setLimits(admin, parseForm(body)));
                } else if (request.method() == HttpMethods.POST && path.equals("/api/switches")) {
                    answer = asAdmin(request, admin -> setSwitches(admin, parseForm(body)));
                } else if (RESOURCES.containsKey(path) || path.startsWith("/api/") || path.startsWith("/health/")
                        || path.equals("/metrics")) {
                    answer = done(error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed"));
                } else {
                    answer = done(error(StatusCodes.NOT_FOUND, "not found"));
                }
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            return answer.exceptionally(e -> {
                log.debug("HTTP admin request [{} {}] of [{}] failed: [{}]", request.method().name(), path, peer,
                        e.toString());
                return error(StatusCodes.SERVICE_UNAVAILABLE, "internal error, try again");
            }).thenApply(r -> r.addHeader(RawHeader.create("Cache-Control", "no-store"))
                    .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff")));
        }

        // ------------------------------------------------------------------ reading

        private CompletionStage<HttpResponse> metrics(HttpRequest request) {
            String accept = request.getHeader("Accept").map(HttpHeader::value).orElse("");
            return state.detail().thenApply(detail -> {
                        PrometheusExposition.Document doc = exposition.write(detail,
                                state.publishedUsers().current().size(), readiness.notReadyBecause() == null, accept);
                        return HttpResponse.create().withEntity(HttpEntities.create(
                                ContentTypes.parse(doc.contentType()), doc.body()));
                    });
        }

        private CompletionStage<HttpResponse> status() {
            CompletionStage<Metrics.Detail> detail = state.detail();
            CompletionStage<Switches.State> switches = state.switches();
            CompletionStage<UserDirectory.UserList> users = state.listUsers();
            CompletionStage<AccessLog.Recent> recent = state.recent(settings.logLines());
            return detail.thenCompose(d -> switches.thenCompose(s -> users.thenCompose(u -> recent.thenApply(r ->
                    json(StatusCodes.OK, statusJson(d, s, u, r))))));
        }

        private String statusJson(Metrics.Detail d, Switches.State s, UserDirectory.UserList u, AccessLog.Recent r) {
            StringBuilder metrics = new StringBuilder("{");
            Json.appendFields(metrics, d.snapshot());
            metrics.append("\"bytesFromClient\":").append(d.observed().bytesFromClient())
                    .append(",\"bytesToClient\":").append(d.observed().bytesToClient())
                    .append(",\"rulesetRefusals\":").append(d.observed().replies(2))
                    .append(",\"dissectorReports\":").append(d.observed().credentials()).append('}');
            String users = u.users().stream()
                    .map(i -> Json.obj("name", Json.str(i.name()), "role", Json.str(i.role().name())))
                    .collect(Collectors.joining(",", "[", "]"));
            String sessions = r.entries().stream().map(AdminHttpServer::entryJson)
                    .collect(Collectors.joining(",", "[", "]"));
            String why = readiness.notReadyBecause();
            return Json.obj("time", Long.toString(System.currentTimeMillis()),
                    "ready", Boolean.toString(why == null),
                    "readyReason", Json.str(why),
                    "metrics", metrics.toString(),
                    "switches", switchesJson(s),
                    "users", users,
                    "sessions", sessions);
        }

        // ------------------------------------------------------------------ changing (ADMIN)

        /** Runs {@code action} with the ADMIN's name when the request carries an ADMIN's Basic credentials, else 401. */
        private CompletionStage<HttpResponse> asAdmin(HttpRequest request,
                                                      java.util.function.Function<String, CompletionStage<HttpResponse>> action) {
            Optional<String[]> credentials = request.getHeader("Authorization").map(HttpHeader::value)
                    .flatMap(AdminHttpServer::basic);
            if (credentials.isEmpty()) {
                return done(unauthorized());
            }
            String user = credentials.get()[0];
            String password = credentials.get()[1];
            if (failedLogins.admit(peer.getAddress()) == LoginThrottle.Admission.REFUSE) {
                // docs/operations.md, Limits: a blocked address is refused without a password check.
                log.debug("HTTP admin login of [{}] from [{}] refused: address blocked", user, peer);
                state.loginThrottled();
                return done(unauthorized());
            }
            return state.authenticate(user, password)
                    .thenCompose(reply -> {
                        if (StateClient.isAdmin(reply)) {
                            failedLogins.succeeded(peer.getAddress());
                            return action.apply(user);
                        }
                        // A BASIC user gets the same answer as a wrong password, as on PCTP.
                        log.debug("HTTP admin login of [{}] from [{}] refused", user, peer);
                        long delay = failedLogins.failed(peer.getAddress());
                        if (delay == 0) {
                            return done(unauthorized());
                        }
                        state.loginThrottled();
                        return CompletableFuture.supplyAsync(AdminHttpServer::unauthorized,
                                CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
                    });
        }


    private CompletionStage<HttpResponse> addUser(String admin, Map<String, String> form) {
            String name = form.getOrDefault("name", "");
            String password = form.getOrDefault("password", "");
            UserDirectory.Role role;
            try {
                role = UserDirectory.Role.valueOf(form.getOrDefault("role", "BASIC").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return done(error(StatusCodes.BAD_REQUEST, "role must be ADMIN or BASIC"));
            }
            return writes.addUser(name, password, role).thenApply(reply -> {
                        if (reply instanceof UserDirectory.Added) {
                            log.info("ADMIN [{}] added user [{}] ({}) over HTTP from [{}]", admin, name, role, peer);
                        }
                        return HttpUserReplies.ADD_USER.of(reply);
                    });
        }

        private CompletionStage<HttpResponse> deleteUser(String admin, String name) {
            return writes.removeUser(name).thenApply(reply -> {
                        if (reply instanceof UserDirectory.Removed) {
                            log.info("ADMIN [{}] deleted user [{}] over HTTP from [{}]", admin, name, peer);
                        }
                        return HttpUserReplies.DELETE_USER.of(reply);
                    });
        }

        /**
         * A user's own limits (docs/operations.md, Limits), as PCTP's LIMIT: form {@code name},
         * {@code sessions} and {@code bandwidth} (bytes a second), each {@code -} for the global
         * default, {@code 0} for none, or a number.
         */
        private CompletionStage<HttpResponse> setLimits(String admin, Map<String, String> form) {
            String name = form.getOrDefault("name", "");
            long sessions;
            long bandwidth;
            try {
                sessions = limit(form.getOrDefault("sessions", "-"));
                bandwidth = limit(form.getOrDefault("bandwidth", "-"));
            } catch (IllegalArgumentException e) {
                return done(error(StatusCodes.BAD_REQUEST, "sessions and bandwidth are -, 0 or a positive number"));
            }
            if (name.isEmpty() || sessions > Integer.MAX_VALUE) {
                return done(error(StatusCodes.BAD_REQUEST, name.isEmpty() ? "name missing" : "sessions too large"));
            }
            UserDirectory.Limits limits = new UserDirectory.Limits((int) sessions, bandwidth);
            return writes.setLimits(name, limits).thenApply(reply -> {
                if (reply instanceof UserDirectory.LimitsSet) {
                    log.info("ADMIN [{}] set the limits of user [{}] to [{}] over HTTP from [{}]", admin, name, limits, peer);
                }
                return HttpUserReplies.SET_LIMITS.of(reply);
            });
        }

        /** {@code -}: the default (-1); otherwise a decimal number of at least 0. */
        private static long limit(String field) {
            if (field.equals("-")) {
                return -1;
            }
            if (field.isEmpty() || !field.chars().allMatch(Character::isDigit) || field.length() > 18) {
                throw new IllegalArgumentException(field);
            }
            return Long.parseLong(field);
        }

        /** Applies the switches present in the form, in a fixed order, and answers the resulting state. */
        private CompletionStage<HttpResponse> setSwitches(String admin, Map<String, String> form) {
            CompletionStage<HttpResponse> chain = CompletableFuture.completedFuture(null);
            if (form.containsKey("auth-required")) {
                Optional<Boolean> on = onOff(form.get("auth-required"));
                if (on.isEmpty()) {
                    return done(error(StatusCodes.BAD_REQUEST, "auth-required must be on or off"));
                }
                chain = chain.thenCompose(r -> state.setAuthRequired(on.get()).thenApply(s -> null));
            }
            if (form.containsKey("dissectors")) {
                Optional<Boolean> on = onOff(form.get("dissectors"));
                if (on.isEmpty()) {
                    return done(error(StatusCodes.BAD_REQUEST, "dissectors must be on or off"));
                }
                chain = chain.thenCompose(r -> state.setDissectors(on.get()).thenApply(s -> null));
            }
            if (form.containsKey("relay-buffer-size")) {
                int bytes;
                try {
                    bytes = Integer.parseInt(form.get("relay-buffer-size").trim());
                } catch (NumberFormatException e) {
                    return done(error(StatusCodes.BAD_REQUEST, "relay-buffer-size must be a number of bytes"));
                }
                chain = chain.thenCompose(r -> state.setRelayBufferSize(bytes)
                        .thenApply(reply -> reply instanceof Switches.Rejected rejected
                                ? error(StatusCodes.BAD_REQUEST, rejected.why()) : null));
            }
            return chain.thenCompose(failed -> failed != null ? done(failed)
                    : state.switches().thenApply(s -> {
                        log.info("ADMIN [{}] set switches over HTTP from [{}]: {}", admin, peer, s);
                        return json(StatusCodes.OK, switchesJson(s));
                    }));
        }
    }

    // ---------------------------------------------------------------------- pure helpers

    static String switchesJson(Switches.State s) {
        return Json.obj("authRequired", Boolean.toString(s.authRequired()),
                "dissectors", Boolean.toString(s.dissectorsOn()),
                "relayBufferSize", Integer.toString(s.relayBufferSize()));
    }

    static String entryJson(AccessLog.Entry e) {
        return Json.obj("time", Json.str(e.time().toString()),
                "user", Json.str(e.user()),
                "kind", Json.str(e.udp() == null ? "A" : "U"),
                "client", Json.str(e.clientAddress() + ":" + e.clientPort()),
                "destination", Json.str(e.destination() == null ? null : e.destination() + ":" + e.destinationPort()),
                "reply", Integer.toString(e.replyCode()),
                "bytes", Long.toString(e.bytes()),
                "auth", Boolean.toString(e.authenticated()));
    }

    /** {@code Basic base64(user:password)} to {user, password}; empty when malformed. */
    static Optional<String[]> basic(String header) {
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty()
                : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // A malformed escape: the pair is ignored, and a missing field is reported as such.
            }
        }
        return out;
    }

    private static Optional<Boolean> onOff(String v) {
        return switch (v == null ? "" : v.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "1" -> Optional.of(true);
            case "off", "false", "0" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static CompletionStage<HttpResponse> done(HttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    static HttpResponse json(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(JSON, body.getBytes(StandardCharsets.UTF_8)));
    }

    static HttpResponse error(StatusCode status, String why) {
        return json(status, Json.obj("error", Json.str(why)));
    }

    private static HttpResponse unauthorized() {
        // No WWW-Authenticate challenge: the page asks for credentials itself, and a browser's own
        // dialog would pop up over it after every wrong password.
        return error(StatusCodes.UNAUTHORIZED, "ADMIN credentials required (HTTP Basic)");
    }
}
