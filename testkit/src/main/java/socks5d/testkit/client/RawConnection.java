package socks5d.testkit.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.apache.pekko.util.ByteString;

/**
 * A plain TCP connection for sending arbitrary bytes to a server (usually the proxy) and reading exactly
 * what comes back, for handshake tests that go beyond what {@link Socks5Client} would send.
 *
 * <p>Owns its socket. Threading: one test thread at a time; every read has a deadline.
 */
public final class RawConnection implements AutoCloseable {
    private static final int READ_CHUNK = 8192;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code server} within {@code connectTimeout}. */
    public static RawConnection open(InetSocketAddress server, Duration connectTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(server, (int) connectTimeout.toMillis());
            return new RawConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Writes all frames in one write (pipelined). */
    public RawConnection send(byte[]... frames) throws IOException {
        out.write(Socks5Frames.concat(frames));
        out.flush();
        return this;
    }

    /** Writes the bytes in one write. */
    public RawConnection send(ByteString bytes) throws IOException {
        return send(bytes.toArray());
    }

    /** Writes each byte in its own write (TCP_NODELAY is on, so mostly one segment each). */
    public RawConnection sendByteByByte(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
        return this;
    }

    /**
     * Reads exactly {@code n} bytes within {@code timeout}.
     *
     * @throws SocketTimeoutException if they did not all arrive in time
     * @throws EOFException if the peer closed first (the message says how many bytes came)
     */
    public byte[] readExactly(int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[n];
        int got = 0;
        while (got < n) {
            setTimeout(deadline, got, n);
            int r = in.read(buf, got, n - got);
            if (r < 0) {
                throw new EOFException("peer closed after " + got + " of " + n + " bytes");
            }
            got += r;
        }
        return buf;
    }

    /** Reads exactly {@code n} bytes within {@code timeout}, as a ByteString for {@code Hex} comparisons. */
    public ByteString readBytes(int n, Duration timeout) throws IOException {
        return ByteString.fromArrayUnsafe(readExactly(n, timeout));
    }

    /**
     * Reads everything until the peer closes (EOF or reset) and returns it.
     *
     * @throws SocketTimeoutException if the peer had not closed by the deadline
     */
    public byte[] readAllUntilClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[READ_CHUNK];
        while (true) {
            setTimeout(deadline, all.size(), -1);
            int r;
            try {
                r = in.read(buf);
            } catch (SocketException e) {
                // a reset is a close too; what arrived before it is kept
                return all.toByteArray();
            }
            if (r < 0) {
                return all.toByteArray();
            }
            all.write(buf, 0, r);
        }
    }

    /**
     * True if the peer closes (EOF or reset) within {@code timeout}, false if it is still open then. Any
     * bytes that arrive meanwhile are read and discarded.
     */
    public boolean isClosedByPeer(Duration timeout) throws IOException {
        try {
            readAllUntilClose(timeout);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Sends FIN (half-close); reading stays possible. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The underlying socket, e.g. for relaying data after a handshake sent by hand. */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void setTimeout(long deadline, int got, int wanted) throws IOException {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException(
                    "timed out after " + got + (wanted >= 0 ? " of " + wanted : "") + " bytes");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
