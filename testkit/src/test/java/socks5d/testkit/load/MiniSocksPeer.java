package socks5d.testkit.load;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately minimal SOCKS5 server (thread per connection, RFC 1929 auth, CONNECT by address only),
 * run as a child process by {@link BenchmarkIT} through the benchmark's peer mechanism, so the proxied
 * path of the benchmark is tested without the proxy module. Test code only; never a reference for socks5d.
 *
 * <p>Threading: one acceptor thread, then two daemon threads per relayed connection.
 */
public final class MiniSocksPeer {
    private static final int TIMEOUT_MS = 30_000;

    private MiniSocksPeer() {
    }

    /** Arguments: port user password. */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String user = args[1];
        String pass = args[2];
        try (ServerSocket server = new ServerSocket(port, 4096, InetAddress.getByName("127.0.0.1"))) {
            while (true) {
                Socket c = server.accept();
                Thread t = new Thread(() -> serve(c, user, pass));
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void serve(Socket c, String user, String pass) {
        try {
            c.setSoTimeout(TIMEOUT_MS);
            c.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            in.readUnsignedByte();
            in.readFully(new byte[in.readUnsignedByte()]);
            out.write(new byte[] {5, 2});
            in.readUnsignedByte();
            String u = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            String p = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            boolean ok = u.equals(user) && p.equals(pass);
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            if (!ok) {
                c.close();
                return;
            }
            byte[] head = in.readNBytes(4);
            byte[] addr = in.readNBytes(head[3] == 1 ? 4 : 16);
            int dport = in.readUnsignedShort();
            Socket d = new Socket();
            d.setTcpNoDelay(true);
            d.connect(new InetSocketAddress(InetAddress.getByAddress(addr), dport), TIMEOUT_MS);
            c.setSoTimeout(0);
            out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            Thread up = new Thread(() -> pump(c, d));
            up.setDaemon(true);
            up.start();
            pump(d, c);
        } catch (IOException e) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing after a failure
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing after a failure
            }
        }
    }
}
