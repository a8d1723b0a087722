package socks5d.management.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.apache.pekko.util.ByteString;

import socks5d.wire.Decoded;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.mcp.wire.McpResponse;

/**
 * A blocking MCP client over one persistent socket (docs/protocols/mcp.md): one request, one response,
 * repeated. Uses the pure {@link McpCodec}; no actor system, so socks5ctl starts fast.
 * Not thread-safe: one caller at a time.
 */
final class McpClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private McpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects, waiting at most {@code timeout} for the connection and for each response. */
    static McpClient connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new McpClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one request and reads its whole response. */
    McpResponse call(McpRequest request) throws IOException {
        out.write(McpCodec.encode(request).toArray());
        out.flush();
        ByteString header = readFully(McpCodec.HEADER_LENGTH);
        int length = (Byte.toUnsignedInt(header.apply(2)) << Byte.SIZE) | Byte.toUnsignedInt(header.apply(3));
        Decoded<McpResponse> decoded = McpCodec.decodeResponse(header.concat(readFully(length)));
        if (decoded instanceof Decoded.Ok<McpResponse> ok) {
            return ok.value();
        }
        String why = decoded instanceof Decoded.Invalid<McpResponse> invalid ? invalid.why() : "incomplete";
        throw new IOException("not an MCP response: " + why);
    }

    private ByteString readFully(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("the server closed the connection");
        }
        return ByteString.fromArrayUnsafe(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
