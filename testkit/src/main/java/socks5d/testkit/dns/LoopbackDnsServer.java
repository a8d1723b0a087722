package socks5d.testkit.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny authoritative DNS server on a loopback address, UDP and TCP on the same port, so proxy tests
 * resolve names (docs/protocols/socks5.md, Address types) without any query leaving the
 * machine. Names come from a map name -&gt; addresses: A queries get the IPv4 ones, AAAA the IPv6 ones,
 * ANY both; a known name with no record of the asked type gets NOERROR with no answers; an unknown name
 * gets NXDOMAIN. Answers over UDP larger than 512 bytes (or all of them, with {@code truncateUdp}) are sent
 * truncated so the client retries over TCP (RFC 1035 §4.2).
 *
 * <p>Point socks5d at it with {@link #socks5dConfig()}. Note resolvers cache positive answers for their TTL
 * ({@link #DEFAULT_TTL_SECONDS}); negative answers are not cached by default.
 *
 * <p>Threading: one thread serves UDP, one accepts TCP, and each TCP connection gets its own thread (the
 * resolver opens few). The record map and the query log are thread-safe; {@link #close()} closes every
 * socket and joins the threads (bounded).
 */
public final class LoopbackDnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoopbackDnsServer.class);
    /** TTL of every answer record. */
    public static final int DEFAULT_TTL_SECONDS = 60;
    private static final int MAX_MESSAGE = 65_535;
    private static final int TCP_READ_TIMEOUT_MS = 10_000;
    private static final long JOIN_MILLIS = 2_000;
    private static final int BIND_ATTEMPTS = 20;

    /** How a query arrived. */
    public enum Transport { UDP, TCP }

    /** One query as received (name lower-cased, without trailing dot). */
    public record Query(String name, int type, Transport transport) {
    }

    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final AtomicLong queryCount = new AtomicLong();
    private final DatagramChannel udp;
    private final ServerSocket tcp;
    private final int ttl;
    private final boolean truncateUdp;
    private final Set<Socket> tcpConnections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LoopbackDnsServer(InetAddress bindAddr, Map<String, List<InetAddress>> initial, int ttl,
                              boolean truncateUdp) throws IOException {
        this.ttl = ttl;
        this.truncateUdp = truncateUdp;
        initial.forEach((name, addrs) -> add(name, addrs.toArray(InetAddress[]::new)));
        DatagramChannel boundUdp = null;
        ServerSocket boundTcp = null;
        // UDP takes an ephemeral port first; TCP then needs the same number, which may be taken: retry
        for (int attempt = 0; boundTcp == null; attempt++) {
            boundUdp = DatagramChannel.open();
            boundUdp.bind(new InetSocketAddress(bindAddr, 0));
            int port = ((InetSocketAddress) boundUdp.getLocalAddress()).getPort();
            try {
                boundTcp = new ServerSocket();
                boundTcp.setReuseAddress(true);
                boundTcp.bind(new InetSocketAddress(bindAddr, port));
            } catch (BindException e) {
                boundTcp.close();
                boundTcp = null;
                boundUdp.close();
                if (attempt >= BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
        this.udp = boundUdp;
        this.tcp = boundTcp;
        spawn("dns-udp-" + port(), this::serveUdp);
        spawn("dns-tcp-" + port(), this::acceptTcp);
        log.debug("Loopback DNS on [{}]", udp.getLocalAddress());
    }

    /** Starts a server on 127.0.0.1 with the given records. */
    public static LoopbackDnsServer start(Map<String, List<InetAddress>> records) {
        return builder().records(records).start();
    }

    /** A builder: bind address (default 127.0.0.1), records, TTL, forced UDP truncation. */
    public static Builder builder() {
        return new Builder();
    }

    /** Adds addresses to {@code name} (creating it: a name with no addresses exists but has no records). */
    public void add(String name, InetAddress... addresses) {
        records.merge(normalize(name), List.of(addresses), (old, add) -> {
            List<InetAddress> all = new ArrayList<>(old);
            all.addAll(add);
            return List.copyOf(all);
        });
    }

    /** Removes {@code name}: it answers NXDOMAIN from now on. */
    public void remove(String name) {
        records.remove(normalize(name));
    }

    public int port() {
        return tcp.getLocalPort();
    }

    public InetAddress address() {
        return tcp.getInetAddress();
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address(), port());
    }

    /** {@code host:port} as Pekko's {@code nameservers} list wants it (IPv6 in brackets). */
    public String nameserver() {
        String host = address().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /**
     * HOCON that makes Pekko resolve through this server only: async-dns, this nameserver, no search
     * domains and ndots 1 (so results do not depend on the machine's /etc/resolv.conf).
     */
    /** socks5d configuration that makes its resolver ask only this server (and read no hosts file). */
    public String socks5dConfig() {
        return "socks5d.proxy.dns.nameservers = [\"" + nameserver() + "\"]\n"
                + "socks5d.proxy.dns.hosts-file = \"\"\n";
    }

    /** Messages received (UDP and TCP, well-formed or not). */
    public long queryCount() {
        return queryCount.get();
    }

    /** Every well-formed query so far, in arrival order. */
    public List<Query> queries() {
        return List.copyOf(queries);
    }

    /** Queries so far for {@code name} (any type). */
    public List<Query> queriesFor(String name) {
        String n = normalize(name);
        return queries.stream().filter(q -> q.name().equals(n)).toList();
    }

    /** The answer to one message, or null when it deserves none (too short to carry an ID). */
    byte[] answer(byte[] msg, int length, Transport transport) {
        queryCount.incrementAndGet();
        if (length < DnsCodec.HEADER_SIZE) {
            return null;
        }
        int id = ((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF);
        int opcode = DnsCodec.opcode(msg, length);
        if (opcode != 0) {
            return DnsCodec.encodeError(id, opcode, DnsCodec.RCODE_NOTIMP);
        }
        DnsCodec.Query q;
        try {
            q = DnsCodec.decodeQuery(msg, length);
        } catch (IllegalArgumentException e) {
            log.debug("Malformed DNS query: [{}]", e.getMessage());
            return DnsCodec.encodeError(id, opcode, DnsCodec.RCODE_FORMERR);
        }
        queries.add(new Query(q.name(), q.type(), transport));
        List<InetAddress> known = records.get(q.name());
        if (known == null) {
            return DnsCodec.encodeResponse(q, DnsCodec.RCODE_NXDOMAIN, List.of(), ttl, false);
        }
        List<InetAddress> answers = q.qclass() == DnsCodec.CLASS_IN
                ? known.stream().filter(a -> DnsCodec.matches(a, q.type())).toList()
                : List.of();
        byte[] full = DnsCodec.encodeResponse(q, DnsCodec.RCODE_NOERROR, answers, ttl, false);
        if (transport == Transport.UDP && (truncateUdp || full.length > DnsCodec.MAX_UDP_SIZE)) {
            return DnsCodec.encodeResponse(q, DnsCodec.RCODE_NOERROR, answers, ttl, true);
        }
        return full;
    }

    private void serveUdp() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_MESSAGE);
        while (!closed) {
            try {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) udp.receive(buf);
                byte[] reply = answer(buf.array(), buf.position(), Transport.UDP);
                if (reply != null) {
                    udp.send(ByteBuffer.wrap(reply), from);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("DNS UDP serving failed: [{}]", e.toString());
                }
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                tcpConnections.add(s);
                spawn("dns-tcp-conn-" + s.getPort(), () -> serveTcp(s));
            } catch (IOException e) {
                if (!closed) {
                    log.warn("DNS TCP accept failed: [{}]", e.toString());
                }
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    /** RFC 1035 §4.2.2: each message is preceded by a two-byte length; several may share a connection. */
    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(TCP_READ_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (!closed) {
                int len;
                try {
                    len = in.readUnsignedShort();
                } catch (EOFException e) {
                    return;
                }
                byte[] msg = new byte[len];
                in.readFully(msg);
                byte[] reply = answer(msg, len, Transport.TCP);
                if (reply != null) {
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (SocketException e) {
            log.trace("DNS TCP connection closed: [{}]", e.toString());
        } catch (IOException e) {
            log.debug("DNS TCP connection failed: [{}]", e.toString());
        } finally {
            tcpConnections.remove(s);
        }
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** Closes both listeners and every TCP connection and joins the threads (bounded). */
    @Override
    public void close() {
        closed = true;
        try {
            udp.close();
        } catch (IOException e) {
            log.debug("Closing DNS UDP failed", e);
        }
        try {
            tcp.close();
        } catch (IOException e) {
            log.debug("Closing DNS TCP failed", e);
        }
        for (Socket s : tcpConnections) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("Closing DNS TCP connection failed", e);
            }
        }
        for (Thread t : threads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Configures and starts a {@link LoopbackDnsServer}. Not thread-safe; use once. */
    public static final class Builder {
        private InetAddress bindAddr = InetAddress.getLoopbackAddress();
        private final Map<String, List<InetAddress>> records = new java.util.LinkedHashMap<>();
        private int ttl = DEFAULT_TTL_SECONDS;
        private boolean truncateUdp;

        private Builder() {
        }

        /** Loopback address to bind (127.0.0.1 or ::1). */
        public Builder bind(InetAddress addr) {
            this.bindAddr = addr;
            return this;
        }

        /** A name and its addresses; no addresses makes a name that exists with no records. */
        public Builder record(String name, InetAddress... addresses) {
            records.merge(name, List.of(addresses), (a, b) -> {
                List<InetAddress> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
            return this;
        }

        /** A name and its addresses given as literals, e.g. {@code record("dual.test", "::1", "127.0.0.1")}. */
        public Builder record(String name, String... literals) {
            return record(name, Arrays.stream(literals).map(LoopbackDnsServer::literal).toArray(InetAddress[]::new));
        }

        /** Many names at once. */
        public Builder records(Map<String, List<InetAddress>> map) {
            map.forEach((n, a) -> record(n, a.toArray(InetAddress[]::new)));
            return this;
        }

        /** TTL of answer records, seconds. */
        public Builder ttl(int seconds) {
            this.ttl = seconds;
            return this;
        }

        /** Answer every UDP query truncated (TC set), to exercise the client's TCP fallback. */
        public Builder truncateUdp(boolean on) {
            this.truncateUdp = on;
            return this;
        }

        public LoopbackDnsServer start() {
            try {
                return new LoopbackDnsServer(bindAddr, records, ttl, truncateUdp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Parses an IP literal without any lookup. */
    private static InetAddress literal(String text) {
        try {
            // only literals: a colon (IPv6) or four dotted numbers (IPv4), so nothing is ever looked up
            if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException("not an IP literal: " + text);
            }
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + text, e);
        }
    }
}
