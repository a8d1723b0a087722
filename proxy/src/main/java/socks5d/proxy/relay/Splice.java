package socks5d.proxy.relay;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.EventExecutor;

/**
 * The bytes of a bulk session moved by the kernel (docs/design.md, Splicing): splice(2) from a
 * socket into a pipe and from the pipe into the other socket, so they are never copied into the JVM
 * and out again. {@link Relay} hands a session over once it has relayed {@code relay.splice-after}
 * bytes, with both channels taken off Netty's epoll registration; this class registers its own
 * handle for each socket on the same event loop, edge-triggered for input, output and the peer's
 * FIN, and on every event moves what it can until a socket or pipe says {@code EAGAIN}.
 *
 * <p>Each direction alternates: fill its pipe from the socket it reads (at most the pipe's capacity,
 * 64 KiB), empty the pipe into the other socket, again; it reads only while its pipe is empty, so
 * a slow reader slows its sender through TCP flow control exactly as the copying relay does, and
 * a session holds at most one pipe of bytes per direction, in the kernel. Netty's
 * {@code splice} returns 0 both for "nothing to read now" and for the end of the stream; the two are
 * told apart by the peer's FIN ({@code EPOLLRDHUP}): once it has been seen, a read that moves nothing
 * from a socket, into an empty pipe, is the end, and everything before the FIN has been passed on
 * before the FIN is ({@code shutdown(SHUT_WR)} on the other socket), so no tail of a stream is lost.
 *
 * <p>Confined to the event loop of both channels.
 */
final class Splice {
    /** Descriptors a spliced session holds beyond its two sockets: a pipe, two ends, per direction. */
    static final int PIPE_DESCRIPTORS = 4;
    /** Bytes one splice(2) call is asked for; a pipe takes at most its capacity in any case. */
    private static final int CHUNK = 1 << 20;
    /** Pipe fills per direction before the loop serves its other channels; the rest follows in a task. */
    private static final int ROUNDS_PER_TURN = 16;
    /** {@code EPOLLHUP}: both directions of a socket are shut; epoll reports it whatever was asked. */
    private static final int EPOLLHUP = 0x10;
    private static final EpollIoOps INTEREST = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT)
            .with(EpollIoOps.EPOLLRDHUP).with(EpollIoOps.EPOLLET);

    /** What the relay learns from the spliced session. Called on the event loop. */
    interface Owner {
        /** {@code bytes} were read from one side into its pipe, on their way to the other. */
        void spliced(boolean fromClient, int bytes);

        /** Both directions passed their FIN on: nothing is left to move. */
        void finished();

        /** A socket failed or was reset, or the event loop is closing: nothing more can be delivered. */
        void failed(Throwable cause);
    }

    /** Where a direction starts: bytes Netty read before the hand-over, and how far its FIN got. */
    record Start(ByteBuf carry, boolean inputEnded, boolean outputShut) {
    }

    private final EventExecutor loop;
    private final Splicing splicing;
    private final Owner owner;
    private final End client;
    private final End dest;
    private final Direction fromClient;
    private final Direction fromDest;
    private final Runnable resume = this::resume;
    private boolean resumeScheduled;
    private boolean stopped;

    /**
     * Makes the session's two pipes; nothing is taken over yet ({@link #take}).
     *
     * @throws IOException if a pipe cannot be made (then the session keeps copying)
     */
    Splice(Channel client, Channel dest, Splicing splicing, Owner owner) throws IOException {
        this.loop = client.eventLoop();
        this.splicing = splicing;
        this.owner = owner;
        this.client = new End(client);
        this.dest = new End(dest);
        Direction a = new Direction(this.client, this.dest, true);
        try {
            this.fromDest = new Direction(this.dest, this.client, false);
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
        this.fromClient = a;
        this.client.reading = fromClient;
        this.client.writing = fromDest;
        this.dest.reading = fromDest;
        this.dest.writing = fromClient;
    }

    /** Whether both channels are sockets of Netty's epoll transport, whose descriptors splice(2) can use. */
    static boolean possible(Channel client, Channel dest) {
        return client instanceof EpollSocketChannel && dest instanceof EpollSocketChannel;
    }

    /**
     * Takes over both channels, which Netty must no longer have registered, on the event loop they
     * share, each direction from where {@code up} (client to destination) and {@code down} say it is.
     */
    void take(Start up, Start down) {
        fromClient.begin(up);
        fromDest.begin(down);
        if (stopped) {
            return;
        }
        splicing.opened(this);
        client.register();
        dest.register();
        pumpAll();
    }

    /** Ends the splicing: off the event loop, pipes closed, carries released. Idempotent; the sockets stay open. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        splicing.closed(this);
        client.cancel();
        dest.cancel();
        fromClient.close();
        fromDest.close();
    }

    /** The server is stopping: the session ends as on a failure, both sockets closed by the owner. */
    void abort() {
        fail(new IOException("the server is stopping"));
    }

    private void resume() {
        resumeScheduled = false;
        pumpAll();
    }

    private void pumpAll() {
        pump(fromClient);
        pump(fromDest);
    }

    private void pump(Direction d) {
        if (stopped) {
            return;
        }
        try {
            d.pump();
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        if (fromClient.finished && fromDest.finished) {
            stop();
            owner.finished();
        }
    }

    private void fail(Throwable cause) {
        if (!stopped) {
            stop();
            owner.failed(cause);
        }
    }

    private void resumeLater() {
        if (!resumeScheduled) {
            resumeScheduled = true;
            loop.execute(resume);
        }
    }

    /** One socket of the session, registered on the event loop as its own handle. */
    private final class End implements EpollIoHandle {
        final Socket socket;
        Direction reading;
        Direction writing;
        private IoRegistration registration;

        End(Channel channel) {
            this.socket = (Socket) ((EpollSocketChannel) channel).fd();
        }

        void register() {
            ((IoEventLoop) loop).register(this).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(f.cause());
                } else if (stopped) {
                    ((IoRegistration) f.getNow()).cancel();
                } else {
                    registration = (IoRegistration) f.getNow();
                    registration.submit(INTEREST);
                }
            });
        }

        void cancel() {
            if (registration != null) {
                registration.cancel();
                registration = null;
            }
        }

        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int ops = ((EpollIoEvent) event).ops().value();
            if ((ops & EpollIoOps.EPOLLERR.value()) != 0) {
                int error = socketError();
                fail(new IOException("socket failed (SO_ERROR " + error + ")"));
                return;
            }
            if ((ops & EpollIoOps.EPOLLRDHUP.value()) != 0) {
                reading.finSeen = true;
            }
            if ((ops & (EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLRDHUP.value() | EPOLLHUP)) != 0) {
                pump(reading);
            }
            if ((ops & (EpollIoOps.EPOLLOUT.value() | EPOLLHUP)) != 0) {
                pump(writing);
            }
        }

        private int socketError() {
            try {
                return socket.getSoError();
            } catch (IOException e) {
                return -1;
            }
        }

        /** The event loop is closing with this handle registered: the session ends with it. */
        @Override
        public void close() {
            fail(new IOException("event loop closed"));
        }
    }

    /** One direction: from a socket into its pipe, from the pipe into the other socket. */
    private final class Direction {
        private final End from;
        private final End to;
        private final boolean isClient;
        private final FileDescriptor pipeRead;
        private final FileDescriptor pipeWrite;
        /** Bytes Netty read before the hand-over, written before anything else; null once written. */
        private ByteBuf carry;
        private int inPipe;
        /** {@code from}'s FIN has been seen: a read that moves nothing from now on is the end. */
        boolean finSeen;
        /** Everything {@code from} sent is in the pipe or passed on. */
        private boolean inputEnded;
        /** The FIN is passed on: {@code to}'s output is shut. */
        boolean finished;

        Direction(End from, End to, boolean isClient) throws IOException {
            this.from = from;
            this.to = to;
            this.isClient = isClient;
            FileDescriptor[] pipe = FileDescriptor.pipe();
            pipeRead = pipe[0];
            pipeWrite = pipe[1];
        }

        void begin(Start start) {
            inputEnded = start.inputEnded();
            finished = start.outputShut();
            carry = start.carry().isReadable() && !stopped ? direct(start.carry()) : release(start.carry());
        }

        void pump() throws IOException {
            for (int round = 0; !finished; round++) {
                if (carry != null && !writeCarry()) {
                    return; // {@code to} is full: its EPOLLOUT resumes
                }
                if (inPipe > 0) {
                    inPipe -= Native.splice(pipeRead.intValue(), -1, to.socket.intValue(), -1, inPipe);
                    if (inPipe > 0) {
                        return;
                    }
                }
                if (inputEnded) {
                    to.socket.shutdown(false, true);
                    finished = true;
                    return;
                }
                if (round == ROUNDS_PER_TURN) {
                    resumeLater();
                    return;
                }
                int n = Native.splice(from.socket.intValue(), -1, pipeWrite.intValue(), -1, CHUNK);
                if (n > 0) {
                    inPipe = n;
                    owner.spliced(isClient, n);
                } else if (finSeen) {
                    inputEnded = true; // the pipe was empty: this 0 is the end of the stream, not EAGAIN
                } else {
                    return; // nothing to read: {@code from}'s EPOLLIN resumes
                }
            }
        }

        private boolean writeCarry() throws IOException {
            ByteBuffer nio = carry.nioBuffer();
            int n = to.socket.write(nio, nio.position(), nio.limit());
            carry.skipBytes(n);
            if (carry.isReadable()) {
                return false;
            }
            carry = release(carry);
            return true;
        }

        void close() {
            if (carry != null) {
                carry = release(carry);
            }
            closeQuietly(pipeRead);
            closeQuietly(pipeWrite);
        }
    }

    /** The socket writes from native memory: a carry on the heap (never from Netty's direct reads) is copied. */
    private static ByteBuf direct(ByteBuf buf) {
        if (buf.isDirect() && buf.nioBufferCount() == 1) {
            return buf;
        }
        ByteBuf copy = Unpooled.directBuffer(buf.readableBytes()).writeBytes(buf);
        buf.release();
        return copy;
    }

    private static ByteBuf release(ByteBuf buf) {
        buf.release();
        return null;
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // a pipe end that cannot be closed is already gone
        }
    }
}
