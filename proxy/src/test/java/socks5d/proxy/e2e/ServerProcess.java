package socks5d.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.util.ByteString;

import socks5d.wire.Decoded;
import socks5d.management.mcp.wire.McpCodec;
import socks5d.management.mcp.wire.McpRequest;
import socks5d.management.mcp.wire.McpResponse;
import socks5d.testkit.process.ChildProcess;
import socks5d.testkit.process.Socks5dPorts;

/**
 * {@code java -jar target/socks5d.jar} as a subprocess on free loopback ports, with its standard
 * output and error captured to files, for tests that kill it or read what it printed. Not thread-safe.
 */
final class ServerProcess implements AutoCloseable {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private final ChildProcess child;
    final Process process;
    /** SOCKS, MCP, MASS, PCTP and the HTTP admin listener (/metrics, /health/*), all on free ports. */
    final Socks5dPorts ports;
    final Path stdout;
    final Path stderr;

    private ServerProcess(ChildProcess child, Socks5dPorts ports) {
        this.child = child;
        this.process = child.process();
        this.ports = ports;
        this.stdout = child.stdout();
        this.stderr = child.stderr();
    }

    /**
     * Starts the server with {@code --data-dir dataDir --config conf} and {@code args}, MCP, MASS,
     * PCTP and HTTP admin on free ports, output captured in {@code logs} (files named after {@code tag}); returns
     * once the SOCKS and management ports accept connections (one connection each).
     */
    static ServerProcess start(Path logs, String tag, Path dataDir, Path conf, List<String> jvmArgs,
                               List<String> args) throws IOException {
        return start(logs, tag, dataDir, conf, jvmArgs, args, Socks5dPorts.allFree());
    }

    /**
     * As {@link #start(Path, String, Path, Path, List, List)} on the given {@code ports}: for a test that
     * starts several processes and must choose all their ports at once, so that no two collide.
     */
    static ServerProcess start(Path logs, String tag, Path dataDir, Path conf, List<String> jvmArgs,
                               List<String> args, Socks5dPorts ports) throws IOException {
        Path jar = Path.of("target", "socks5d.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx256m"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(ports.flags());
        command.addAll(List.of("--data-dir", dataDir.toString(), "--config", conf.toString()));
        command.addAll(args);
        ChildProcess child = ChildProcess.of("socks5d " + tag, command)
                .output(logs.resolve(tag + ".stdout"), logs.resolve(tag + ".stderr"))
                .awaitPorts(ports.socks(), ports.mcp(), ports.mass(), ports.pctp(), ports.http())
                .stopGrace(Duration.ofSeconds(15))
                .start();
        return new ServerProcess(child, ports);
    }

    InetSocketAddress socksAddress() {
        return new InetSocketAddress(LO, ports.socks());
    }

    /** SIGKILL on Linux; returns once the process is gone. */
    void kill() {
        assertTrue(child.kill(), "killed process still running");
    }

    @Override
    public void close() {
        child.close();
    }

    /**
     * A blocking MCP connection (docs/protocols/mcp.md): one request, one response, repeated. Not
     * thread-safe.
     */
    static final class Mcp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Mcp(int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(LO, port), 5000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        McpResponse call(McpRequest request) throws IOException {
            out.write(McpCodec.encode(request).toArray());
            out.flush();
            byte[] header = in.readNBytes(McpCodec.HEADER_LENGTH);
            if (header.length < McpCodec.HEADER_LENGTH) {
                throw new IOException("closed by the server");
            }
            int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new IOException("closed by the server");
            }
            Decoded<McpResponse> d = McpCodec.decodeResponse(ByteString.fromArray(header).concat(ByteString.fromArray(payload)));
            if (d instanceof Decoded.Ok<McpResponse> ok) {
                return ok.value();
            }
            throw new IOException("not an MCP response: " + d);
        }

        /** LIST_USERS: at most 255 names (the COUNT octet). */
        List<String> users() throws IOException {
            McpResponse r = call(McpRequest.ListUsers.INSTANCE);
            Decoded<List<String>> d = McpCodec.decodeUserList(r.payload());
            if (d instanceof Decoded.Ok<List<String>> ok) {
                return ok.value();
            }
            throw new IOException("bad user list: " + d);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
