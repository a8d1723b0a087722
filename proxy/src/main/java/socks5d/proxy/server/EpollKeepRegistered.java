package socks5d.proxy.server;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll event loops with one defect of Netty 4.2.18 worked around and one system call per
 * read saved.
 *
 * <p>The defect: when a channel's interest set becomes empty (no read asked for, nothing waiting to
 * be written, and its peer's FIN already seen, as for a client that half-closed and is still
 * receiving its download), Netty removes the socket from the epoll set but keeps it marked as
 * added. The next change of interest, such as waiting for that client's socket to drain, then fails
 * with {@code ENOENT} and the channel is closed with the rest of the download lost; and every close
 * of such a channel raises an exception with a stack trace, a measurable cost per connection. Here
 * an empty interest set is submitted as {@code EPOLLERR} instead, which epoll reports in any case:
 * the socket stays in the epoll set, asking for nothing more than before, so Netty's bookkeeping and
 * the kernel's agree. A socket that is hung up in both directions would be reported again until
 * closed; the relay closes both of a session's sockets as soon as both directions are finished, so
 * none stays open in that state.
 *
 * <p>The saving: the data plane reads only when it asks ({@code AUTO_READ} off), and Netty adds
 * {@code EPOLLIN} to a socket's interest with {@code epoll_ctl} for each read asked for and takes
 * it out with another once the read is done: twelve {@code epoll_ctl} calls per proxied connection
 * in all, the most frequent system call of a short session. Here taking {@code EPOLLIN} out is
 * deferred: the kernel keeps it while Netty does not want it, and the next read asked for finds it
 * there and costs nothing. Should the socket become readable in between, epoll reports it (level
 * triggered, as Netty registers channels), and only then is {@code EPOLLIN} really taken out and the
 * event withheld from the channel, which reads only what it asked for, as before. For the same reason
 * a socket enters epoll with {@code EPOLLIN} already in its set, and an {@code EPOLLIN} in the kernel
 * stays when another change is made (a connected socket no longer waiting for {@code EPOLLOUT}): a
 * client's first read and a destination's first read after its connect then cost no call either.
 * Interest sets with {@code EPOLLET} (the relay's spliced sockets) and the empty set (after the peer's
 * FIN) pass through unchanged.
 */
final class EpollKeepRegistered implements IoHandlerFactory {
    private static final int EPOLLIN = EpollIoOps.EPOLLIN.value();
    private static final int EPOLLET = EpollIoOps.EPOLLET.value();
    private static final int EPOLLERR = EpollIoOps.EPOLLERR.value();

    private final IoHandlerFactory epoll;

    EpollKeepRegistered(IoHandlerFactory epoll) {
        this.epoll = epoll;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        return new Handler(epoll.newHandler(executor));
    }

    @Override
    public boolean isChangingThreadSupported() {
        return epoll.isChangingThreadSupported();
    }

    private record Handler(IoHandler epoll) implements IoHandler {
        @Override
        public void initialize() {
            epoll.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return epoll.run(context);
        }

        @Override
        public void prepareToDestroy() {
            epoll.prepareToDestroy();
        }

        @Override
        public void destroy() {
            epoll.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            if (!(handle instanceof EpollIoHandle epollHandle)) {
                return epoll.register(handle); // epoll refuses it
            }
            Registration registration = new Registration(epollHandle);
            registration.registeredAs(epoll.register(registration));
            return registration;
        }

        @Override
        public void wakeup() {
            epoll.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return epoll.isCompatible(handleType);
        }
    }

    /**
     * One socket's registration, between Netty's channel (it submits interest sets to this) and
     * Netty's epoll loop (it reports events to this as the socket's handle). Confined to the event loop.
     */
    static final class Registration implements IoRegistration, EpollIoHandle {
        private final EpollIoHandle channel;
        private IoRegistration epoll;
        /**
         * The interest set in the kernel: what the channel wants, perhaps with an {@code EPOLLIN} not
         * taken out yet; 0 until the first set is submitted (Netty adds the socket to epoll with it).
         */
        private int inKernel;
        /** The interest set the channel last submitted. */
        private int wanted;

        Registration(EpollIoHandle channel) {
            this.channel = channel;
        }

        /** Netty's epoll registration of the socket, made with this as its handle. */
        void registeredAs(IoRegistration registration) {
            this.epoll = registration;
        }

        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            int value = ((EpollIoOps) ops).value();
            wanted = value == 0 ? EPOLLERR : value;
            int target = wanted;
            if (value != 0 && (wanted & EPOLLET) == 0) {
                // Level-triggered: an EPOLLIN in the kernel stays until it fires unasked (handle takes it
                // out then), and a socket's first set has it already, as the first thing nearly every
                // socket here is asked for is a read (a client's greeting, a destination's answer).
                target |= inKernel == 0 ? EPOLLIN : inKernel & EPOLLIN;
            }
            if (target == inKernel) {
                return wanted; // the kernel already has it, or has it and an EPOLLIN that can wait
            }
            return put(target);
        }

        private long put(int value) {
            long result = epoll.submit(EpollIoOps.valueOf(value));
            // Netty returns the set, or -1 if the registration is gone; a set with EPOLLET is negative.
            if (result != -1) {
                inKernel = value;
            }
            return result;
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }

        @Override
        public FileDescriptor fd() {
            return channel.fd();
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int ready = ((EpollIoEvent) event).ops().value();
            if ((ready & EPOLLIN) != 0 && (wanted & EPOLLIN) == 0) {
                // readable, but no read asked for: the EPOLLIN left in the kernel goes now, unseen by the channel
                if ((inKernel & EPOLLIN) != 0) {
                    put(wanted);
                }
                int rest = ready & ~EPOLLIN;
                if (rest == 0) {
                    return;
                }
                EpollIoOps others = EpollIoOps.valueOf(rest);
                event = (EpollIoEvent) () -> others;
            }
            channel.handle(this, event);
        }

        @Override
        public void registered() {
            channel.registered();
        }

        @Override
        public void unregistered() {
            channel.unregistered();
        }

        @Override
        public void close() throws Exception {
            channel.close();
        }
    }
}
