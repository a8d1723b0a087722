package socks5d.proxy.server;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll event loops with one defect of Netty 4.2.18 worked around: when a channel's interest
 * set becomes empty (no read asked for, nothing waiting to be written, and its peer's FIN already
 * seen, as for a client that half-closed and is still receiving its download), Netty removes the
 * socket from the epoll set but keeps it marked as added. The next change of interest, such as
 * waiting for that client's socket to drain, then fails with {@code ENOENT} and the channel is
 * closed with the rest of the download lost; and every close of such a channel raises an
 * exception with a stack trace, a measurable cost per connection.
 *
 * <p>Here an empty interest set is submitted as {@code EPOLLERR} instead, which epoll reports in
 * any case: the socket stays in the epoll set, asking for nothing more than before, so Netty's
 * bookkeeping and the kernel's agree. A socket that is hung up in both directions would be
 * reported again until closed; the relay closes both of a session's sockets as soon as both
 * directions are finished, so none stays open in that state.
 */
final class EpollKeepRegistered implements IoHandlerFactory {
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
            return new Registration(epoll.register(handle));
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

    private record Registration(IoRegistration epoll) implements IoRegistration {
        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            if (ops instanceof EpollIoOps e && e.value() == 0) {
                return epoll.submit(EpollIoOps.EPOLLERR);
            }
            return epoll.submit(ops);
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }
    }
}
