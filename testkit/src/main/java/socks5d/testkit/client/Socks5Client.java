package socks5d.testkit.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
<<<<<<< HEAD
 * A blocking SOCKS5 client (RFC 1928 CONNECT, RFC 1929 username/password), written independently of the
 * proxy's codecs so that a bug shared by the proxy's encoder and decoder still shows.
=======
 * A blocking SOCKS5 client (RFC 1928 CONNECT, BIND and UDP ASSOCIATE, RFC 1929 username/password),
 * written independently of the proxy's codecs so that a bug shared by the proxy's encoder and decoder
 * still shows.
>>>>>>> udp-wire
 *
 * <p>Immutable configuration: {@code Socks5Client.to(proxy).withAuth("u", "p").connect("dual.test", 80)}.
 * Each {@code connect}, {@link #bind} and {@link #udpAssociate} opens its own socket with a connect
 * timeout and a read timeout on every read; {@link Socks5Bind} and {@link UdpAssociation} hold on to it.
 * Without credentials it offers method 0x00; with them it offers 0x00 and 0x02 (greeting
 * {@code 05 02 00 02}), like common clients; {@link #withMethods} overrides the offer. Threading:
 * instances are thread-safe (immutable); each result belongs to its caller.
 */
public final class Socks5Client {
    /** Default connect and read timeout: loopback answers in milliseconds, so a stall is a failure. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final int PORT_FIELD = 2;
    /** VER, REP, RSV, ATYP and the first byte of BND.ADDR: enough to know the reply's length. */
    private static final int REPLY_HEAD = 5;
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;
    /** SO_RCVBUF and SO_SNDBUF of an association's UDP socket: room for the load generator's window. */
    private static final int UDP_SOCKET_BUFFER = 1024 * 1024;

    private final InetSocketAddress proxy;
    private final String user;
    private final String password;
    private final int[] methods;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final boolean pipelined;

    private Socks5Client(InetSocketAddress proxy, String user, String password, int[] methods,
                         Duration connectTimeout, Duration readTimeout, boolean pipelined) {
        this.proxy = proxy;
        this.user = user;
        this.password = password;
        this.methods = methods;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.pipelined = pipelined;
    }

    /** A client of the proxy at {@code proxy}, no credentials, default timeouts. */
    public static Socks5Client to(InetSocketAddress proxy) {
        return new Socks5Client(proxy, null, null, null, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, false);
    }

    /** A client of the proxy at {@code host:port}. */
    public static Socks5Client to(String host, int port) {
        return to(new InetSocketAddress(host, port));
    }

    /** A raw connection to {@code host:port} for sending arbitrary bytes (default connect timeout). */
    public static RawConnection raw(String host, int port) throws IOException {
        return RawConnection.open(new InetSocketAddress(host, port), DEFAULT_TIMEOUT);
    }

    /** A raw connection to {@code server} (default connect timeout). */
    public static RawConnection raw(InetSocketAddress server) throws IOException {
        return RawConnection.open(server, DEFAULT_TIMEOUT);
    }

    /** The same client authenticating as {@code user}/{@code password} (RFC 1929). */
    public Socks5Client withAuth(String user, String password) {
        return new Socks5Client(proxy, user, password, methods, connectTimeout, readTimeout, pipelined);
    }

    /** The same client offering exactly {@code offered} in its greeting. */
    public Socks5Client withMethods(int... offered) {
        return new Socks5Client(proxy, user, password, offered.clone(), connectTimeout, readTimeout, pipelined);
    }

    /** The same client with other connect and per-read timeouts. */
    public Socks5Client withTimeouts(Duration connect, Duration read) {
        return new Socks5Client(proxy, user, password, methods, connect, read, pipelined);
    }

    /**
     * The same client sending greeting, authentication and request in one write before reading any answer
     * (docs/protocols/socks5.md, Pipelining). It assumes the server picks 0x02 when credentials are
     * set, else 0x00.
     */
    public Socks5Client pipelined(boolean on) {
        return new Socks5Client(proxy, user, password, methods, connectTimeout, readTimeout, on);
    }

    /** The methods this client offers. */
    public int[] offeredMethods() {
        if (methods != null) {
            return methods.clone();
        }
        return user == null
                ? new int[] {Socks5Frames.METHOD_NO_AUTH}
                : new int[] {Socks5Frames.METHOD_NO_AUTH, Socks5Frames.METHOD_USERPASS};
    }

    /** The greeting this client sends. */
    public byte[] greeting() {
        return Socks5Frames.greeting(offeredMethods());
    }

    /** CONNECT to a domain name, which the proxy resolves (ATYP 3). */
    public Socks5Result connect(String domain, int port) throws IOException {
        return handshake(Socks5Frames.connect(domain, port));
    }

    /** CONNECT to an IPv4 or IPv6 address (ATYP 1 or 4). */
    public Socks5Result connect(InetAddress address, int port) throws IOException {
        return handshake(Socks5Frames.connect(address, port));
    }

    /** CONNECT to an address, or to a name when {@code target} is unresolved. */
    public Socks5Result connect(InetSocketAddress target) throws IOException {
        return handshake(Socks5Frames.connect(target));
    }

    /** Any command to an address, e.g. BIND, to check the server's 0x07 reply. */
    public Socks5Result request(int cmd, InetAddress address, int port) throws IOException {
        return handshake(Socks5Frames.request(cmd, address, port));
    }

    /**
     * RFC 1928 §6 BIND, naming the host expected to connect by address: returns once the first reply
     * is in, with BND.ADDR/BND.PORT of the server's listening socket; {@link Socks5Bind#awaitPeer} then
     * waits for the second. A refused BIND comes back with {@link Socks5Bind#succeeded()} false and its
     * socket closed.
     */
    public Socks5Bind bind(InetAddress expectedPeer, int port) throws IOException {
        return bind(Socks5Frames.bind(expectedPeer, port));
    }

    /** RFC 1928 §6 BIND, naming the host expected to connect by domain name (ATYP 3). */
    public Socks5Bind bind(String expectedPeer, int port) throws IOException {
        return bind(Socks5Frames.bind(expectedPeer, port));
    }

    private Socks5Bind bind(byte[] request) throws IOException {
        Socket s = openControl();
        try {
            Socks5Result first = handshake(s, request);
            if (!first.succeeded()) {
                s.close();
            }
            return new Socks5Bind(first, s.getInetAddress(), readTimeout);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * RFC 1928 §7 UDP ASSOCIATE from a new UDP socket of the client's, bound to the address its control
     * connection leaves from, whose address and port the request declares as DST.ADDR and DST.PORT. The
     * control connection stays open until the association is closed. A refused association comes back
     * with {@link UdpAssociation#succeeded()} false and both sockets closed.
     */
    public UdpAssociation udpAssociate() throws IOException {
        return associate(null);
    }

    /**
     * RFC 1928 §7 UDP ASSOCIATE declaring {@code declared} as DST.ADDR and DST.PORT (e.g. 0.0.0.0:0 when
     * the client does not know its address yet), while still sending from a UDP socket of its own.
     */
    public UdpAssociation udpAssociate(InetSocketAddress declared) throws IOException {
        return associate(declared);
    }

    private UdpAssociation associate(InetSocketAddress declared) throws IOException {
        Socket s = openControl();
        DatagramSocket udp = null;
        try {
            udp = new DatagramSocket(new InetSocketAddress(s.getLocalAddress(), 0));
            udp.setReceiveBufferSize(UDP_SOCKET_BUFFER);
            udp.setSendBufferSize(UDP_SOCKET_BUFFER);
            InetSocketAddress from = declared != null ? declared : (InetSocketAddress) udp.getLocalSocketAddress();
            UdpAssociation a = new UdpAssociation(handshake(s, Socks5Frames.udpAssociate(from)), udp, s.getInetAddress());
            if (!a.succeeded()) {
                a.close();
            }
            return a;
        } catch (IOException | RuntimeException e) {
            if (udp != null) {
                udp.close();
            }
            s.close();
            throw e;
        }
    }

    /**
     * Runs greeting, optional authentication and {@code request} on a new socket.
     *
     * @throws EOFException if the server closes before a complete answer
     * @throws java.net.SocketTimeoutException if an answer does not come within the read timeout
     * @throws ProtocolException if an answer is malformed (wrong VER, unknown ATYP)
     */
    public Socks5Result handshake(byte[] request) throws IOException {
        Socket s = openControl();
        try {
            Socks5Result r = handshake(s, request);
            if (!r.succeeded()) {
                s.close();
            }
            return r;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A new TCP connection to the proxy, with the connect timeout, TCP_NODELAY and the read timeout. */
    private Socket openControl() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(proxy, (int) connectTimeout.toMillis());
            s.setSoTimeout((int) readTimeout.toMillis());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private Socks5Result handshake(Socket s, byte[] request) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        byte[] auth = user == null ? null : Socks5Frames.userPass(user, password);
        if (pipelined) {
            out.write(auth == null ? Socks5Frames.concat(greeting(), request)
                    : Socks5Frames.concat(greeting(), auth, request));
        } else {
            out.write(greeting());
        }
        out.flush();

        // fixed-size reads (two per message at most) keep system calls few under load, and never read
        // past the reply, so the first relayed bytes stay in the socket for the caller
        byte[] selection = readFully(in, 2, "method selection");
        expect(selection[0] == Socks5Frames.VERSION, "method selection VER " + selection[0]);
        int method = Byte.toUnsignedInt(selection[1]);
        if (method == Socks5Frames.METHOD_NONE_ACCEPTABLE || Arrays.stream(offeredMethods()).noneMatch(m -> m == method)) {
            return new Socks5Result(method, Socks5Result.NOT_REACHED, Socks5Result.NOT_REACHED,
                    Socks5Result.NOT_REACHED, null, null, Socks5Result.NOT_REACHED, s);
        }
        int authStatus = Socks5Result.NOT_REACHED;
        if (method == Socks5Frames.METHOD_USERPASS) {
            if (auth == null) {
                throw new ProtocolException("server chose USERNAME/PASSWORD but no credentials are set");
            }
            if (!pipelined) {
                out.write(auth);
                out.flush();
            }
            byte[] status = readFully(in, 2, "auth reply");
            expect(status[0] == Socks5Frames.USERPASS_VERSION, "auth VER " + status[0]);
            authStatus = Byte.toUnsignedInt(status[1]);
            if (authStatus != Socks5Frames.AUTH_SUCCESS) {
                return new Socks5Result(method, authStatus, Socks5Result.NOT_REACHED, Socks5Result.NOT_REACHED,
                        null, null, Socks5Result.NOT_REACHED, s);
            }
        }
        if (!pipelined) {
            out.write(request);
            out.flush();
        }
        return readReply(in, method, authStatus, s);
    }

    /**
     * RFC 1928 §6: {@code VER REP RSV ATYP BND.ADDR BND.PORT}, read as the first five bytes, then the rest;
     * also the second reply of a BIND ({@link Socks5Bind}).
     */
    static Socks5Result readReply(DataInputStream in, int method, int authStatus, Socket s)
            throws IOException {
        byte[] head = readFully(in, REPLY_HEAD, "reply");
        expect(head[0] == Socks5Frames.VERSION, "reply VER " + head[0]);
        int reply = Byte.toUnsignedInt(head[1]);
        int atyp = Byte.toUnsignedInt(head[3]);
        int first = Byte.toUnsignedInt(head[4]);
        InetAddress address = null;
        String host;
        byte[] rest;
        switch (atyp) {
            case Socks5Frames.ATYP_IPV4, Socks5Frames.ATYP_IPV6 -> {
                int len = atyp == Socks5Frames.ATYP_IPV4 ? IPV4_LENGTH : IPV6_LENGTH;
                rest = readFully(in, len - 1 + PORT_FIELD, "BND.ADDR");
                byte[] raw = new byte[len];
                raw[0] = head[4];
                System.arraycopy(rest, 0, raw, 1, len - 1);
                address = InetAddress.getByAddress(raw);
                host = address.getHostAddress();
            }
            case Socks5Frames.ATYP_DOMAIN -> {
                rest = readFully(in, first + PORT_FIELD, "BND.ADDR");
                host = new String(rest, 0, first, StandardCharsets.US_ASCII);
            }
            default -> throw new ProtocolException("reply ATYP " + atyp);
        }
        int p = rest.length - PORT_FIELD;
        int boundPort = (Byte.toUnsignedInt(rest[p]) << Byte.SIZE) | Byte.toUnsignedInt(rest[p + 1]);
        return new Socks5Result(method, authStatus, reply, atyp, address, host, boundPort, s);
    }

    private static byte[] readFully(DataInputStream in, int n, String field) throws IOException {
        byte[] b = new byte[n];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new EOFException("server closed inside " + field);
        }
        return b;
    }

    private static void expect(boolean ok, String what) throws ProtocolException {
        if (!ok) {
            throw new ProtocolException("unexpected " + what);
        }
    }
}
