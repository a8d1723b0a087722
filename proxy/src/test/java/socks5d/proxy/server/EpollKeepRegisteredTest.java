package socks5d.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoEvent;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The interest sets {@link EpollKeepRegistered} puts into the kernel and the events it lets through to
 * a channel, against a recording stand-in for Netty's epoll registration (no sockets: the data plane's
 * tests run the real thing on every connection).
 */
class EpollKeepRegisteredTest {
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int RDHUP = EpollIoOps.EPOLLRDHUP.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    private static final int ET = EpollIoOps.EPOLLET.value();

    /** What reached the kernel (epoll_ctl) and what reached the channel. */
    private final List<Integer> kernel = new ArrayList<>();
    private final List<Integer> channelSaw = new ArrayList<>();
    private final EpollKeepRegistered.Registration registration = registration();

    private EpollKeepRegistered.Registration registration() {
        EpollKeepRegistered.Registration r = new EpollKeepRegistered.Registration(new EpollIoHandle() {
            @Override
            public FileDescriptor fd() {
                return null;
            }

            @Override
            public void handle(IoRegistration registration, IoEvent event) {
                channelSaw.add(((EpollIoEvent) event).ops().value());
            }

            @Override
            public void close() {
            }
        });
        r.registeredAs(new IoRegistration() {
            @Override
            public <T> T attachment() {
                return null;
            }

            @Override
            public long submit(IoOps ops) {
                int value = ((EpollIoOps) ops).value();
                kernel.add(value);
                return value;
            }

            @Override
            public boolean isValid() {
                return true;
            }

            @Override
            public boolean cancel() {
                return true;
            }
        });
        return r;
    }

    private void submit(int ops) {
        registration.submit(EpollIoOps.valueOf(ops));
    }

    private void ready(int ops) {
        EpollIoOps ready = EpollIoOps.valueOf(ops);
        registration.handle(null, (EpollIoEvent) () -> ready);
    }

    @Test
    void aReadDoneAndTheNextAskedForCostNoSystemCall() {
        submit(RDHUP); // registered: enters epoll with EPOLLIN
        submit(RDHUP | IN); // read asked for
        assertEquals(List.of(RDHUP | IN), kernel);
        for (int i = 0; i < 5; i++) {
            ready(IN);
            submit(RDHUP); // read done: EPOLLIN stays in the kernel
            submit(RDHUP | IN); // the next read finds it there
        }
        assertEquals(List.of(RDHUP | IN), kernel);
        assertEquals(List.of(IN, IN, IN, IN, IN), channelSaw);
    }

    @Test
    void readableWithNoReadAskedForIsWithheldAndEpollinTakenOutThen() {
        submit(RDHUP | IN);
        submit(RDHUP); // read done, EPOLLIN deferred
        ready(IN); // bytes arrive before the next read is asked for
        assertEquals(List.of(RDHUP | IN, RDHUP), kernel);
        assertEquals(List.of(), channelSaw);
        ready(IN); // an event read before the change: withheld again, no second epoll_ctl
        assertEquals(List.of(RDHUP | IN, RDHUP), kernel);
        submit(RDHUP | IN); // the read asked for puts it back, and epoll reports the waiting bytes
        ready(IN);
        assertEquals(List.of(RDHUP | IN, RDHUP, RDHUP | IN), kernel);
        assertEquals(List.of(IN), channelSaw);
    }

    @Test
    void otherEventsPassWhenEpollinIsWithheld() {
        submit(RDHUP | IN);
        submit(RDHUP);
        ready(IN | RDHUP); // the peer's FIN behind bytes no read was asked for
        assertEquals(List.of(RDHUP), channelSaw);
        submit(RDHUP | OUT | IN);
        ready(OUT | IN);
        assertEquals(List.of(RDHUP, OUT | IN), channelSaw);
    }

    @Test
    void everyOtherChangeReachesTheKernel() {
        submit(RDHUP | IN);
        submit(RDHUP | IN | OUT); // waiting for the socket to drain
        submit(RDHUP | IN);
        submit(RDHUP); // deferred
        submit(RDHUP | OUT); // the deferred EPOLLIN stays with this change
        assertEquals(List.of(RDHUP | IN, RDHUP | IN | OUT, RDHUP | IN, RDHUP | OUT | IN), kernel);
        ready(IN); // until it fires unasked
        assertEquals(List.of(RDHUP | IN, RDHUP | IN | OUT, RDHUP | IN, RDHUP | OUT | IN, RDHUP | OUT), kernel);
        assertEquals(List.of(), channelSaw);
    }

    @Test
    void aConnectedSocketKeepsEpollinWhenItStopsWaitingForEpollout() {
        submit(RDHUP | OUT); // connecting: enters epoll with EPOLLIN too
        ready(OUT); // connected
        submit(RDHUP); // no longer waiting for EPOLLOUT
        submit(RDHUP | IN); // the relay's first read
        assertEquals(List.of(RDHUP | OUT | IN, RDHUP | IN), kernel);
        assertEquals(List.of(OUT), channelSaw);
    }

    @Test
    void bytesBeforeTheFirstReadIsAskedForAreWithheldUntilItIs() {
        submit(RDHUP | OUT);
        ready(OUT | IN); // connected, and the destination spoke first
        assertEquals(List.of(RDHUP | OUT | IN, RDHUP | OUT), kernel);
        assertEquals(List.of(OUT), channelSaw);
        submit(RDHUP);
        submit(RDHUP | IN);
        ready(IN);
        assertEquals(List.of(RDHUP | OUT | IN, RDHUP | OUT, RDHUP, RDHUP | IN), kernel);
        assertEquals(List.of(OUT, IN), channelSaw);
    }

    @Test
    void theFirstSetAlwaysReachesTheKernelEvenWhenEmpty() {
        submit(0); // Netty adds the socket to epoll with its first set: EPOLLERR for an empty one
        assertEquals(List.of(ERR), kernel);
        submit(0);
        assertEquals(List.of(ERR), kernel);
    }

    @Test
    void edgeTriggeredSetsAndTheEmptySetAreNotDeferred() {
        submit(IN | OUT | RDHUP | ET);
        submit(OUT | RDHUP | ET);
        assertEquals(List.of(IN | OUT | RDHUP | ET, OUT | RDHUP | ET), kernel);
        kernel.clear();
        submit(RDHUP);
        submit(0); // nothing wanted: kept in the epoll set with EPOLLERR, which epoll reports anyway
        assertEquals(List.of(RDHUP, ERR), kernel);
        assertTrue(channelSaw.isEmpty());
    }
}
