package socks5d.testkit.load;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The benchmark's reference for what Pekko itself costs: a bare Pekko Streams TCP relay, no SOCKS at
 * all. Each listening port forwards every accepted connection to one fixed target
 * ({@code handleWith(outgoingConnection(target))}, half-close on), with Pekko's transport
 * tuned for throughput (512 KiB direct buffers, a deeper stream write buffer, TCP actors on the default
 * dispatcher with one thread per core, two selectors, backlog 4096). Run as a child process by the benchmark
 * ({@code --pekko-relay}):
 * {@code java -cp socks5d-bench.jar socks5d.testkit.load.PekkoRelay LISTEN_PORT=HOST:PORT ...}.
 */
public final class PekkoRelay {
    static final String TUNED = String.join("\n",
            "pekko.loglevel = WARNING",
            "pekko.stdout-loglevel = OFF",
            "pekko.log-dead-letters = off",
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = 2",
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-factor = 1.0",
            "pekko.io.tcp.direct-buffer-size = 512 KiB",
            "pekko.io.tcp.nr-of-selectors = 2",
            "pekko.io.tcp.worker-dispatcher = \"pekko.actor.default-dispatcher\"",
            "pekko.io.tcp.management-dispatcher = \"pekko.actor.default-dispatcher\"",
            "pekko.stream.materializer.io.tcp.write-buffer-size = 256 KiB");
    private static final int BACKLOG = 4096;

    private PekkoRelay() {
    }

    public static void main(String[] args) throws Exception {
        Map<Integer, InetSocketAddress> routes = parse(args);
        Config config = ConfigFactory.parseString(TUNED).withFallback(ConfigFactory.load());
        ActorSystem system = ActorSystem.create("pekko-relay", config);
        Tcp tcp = Tcp.get(system);
        for (Map.Entry<Integer, InetSocketAddress> route : routes.entrySet()) {
            InetSocketAddress target = route.getValue();
            tcp.bind("127.0.0.1", route.getKey(), BACKLOG, List.of(), true, Optional.empty())
                    .to(Sink.foreach(c -> c.handleWith(
                            tcp.outgoingConnection(target, Optional.empty(), List.of(), true,
                                    Optional.empty(), Optional.empty()), system)))
                    .run(system)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.out.println("pekko-relay: listening " + routes);
    }

    /** {@code PORT=HOST:PORT} pairs. */
    static Map<Integer, InetSocketAddress> parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: PekkoRelay LISTEN_PORT=HOST:PORT ...");
        }
        Map<Integer, InetSocketAddress> routes = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            int colon = a.lastIndexOf(':');
            if (eq < 1 || colon < eq + 2 || colon == a.length() - 1) {
                throw new IllegalArgumentException("not LISTEN_PORT=HOST:PORT: " + a);
            }
            routes.put(Integer.parseInt(a.substring(0, eq)),
                    new InetSocketAddress(a.substring(eq + 1, colon), Integer.parseInt(a.substring(colon + 1))));
        }
        return routes;
    }
}
