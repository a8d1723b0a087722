package socks5d.management.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class AddressLimitsTest {
    private final FakeClock clock = new FakeClock();

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void concurrentConnectionsPerAddressAreCapped() throws Exception {
        AddressLimits limits = new AddressLimits(3, 0, true, clock);
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertNull(limits.tryOpen(a));
        }
        assertEquals(AddressLimits.Refusal.CONCURRENCY, limits.tryOpen(a));
        assertNull(limits.tryOpen(ip("192.0.2.2")), "another address is served");
        limits.close(a);
        assertNull(limits.tryOpen(a));
        for (int i = 0; i < 3; i++) {
            limits.close(a);
        }
        limits.close(ip("192.0.2.2"));
        assertEquals(0, limits.size(), "nothing is kept for addresses with nothing open");
    }

    @Test
    void newConnectionsPerSecondAreCappedWithOneSecondsBurst() throws Exception {
        AddressLimits limits = new AddressLimits(0, 10, true, clock);
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 10; i++) {
            assertNull(limits.tryOpen(a));
            limits.close(a);
        }
        assertEquals(AddressLimits.Refusal.RATE, limits.tryOpen(a));
        clock.advance(Duration.ofMillis(100));
        assertNull(limits.tryOpen(a));
        limits.close(a);
        assertEquals(AddressLimits.Refusal.RATE, limits.tryOpen(a));
        assertEquals(1, limits.size(), "the rate state outlives the connections");
        clock.advance(Duration.ofSeconds(2));
        limits.sweep();
        assertEquals(0, limits.size());
    }

    @Test
    void ipv6CountsByItsSlash64AndMappedIpv4AsIpv4() throws Exception {
        AddressLimits limits = new AddressLimits(2, 0, true, clock);
        assertNull(limits.tryOpen(ip("2001:db8::1")));
        assertNull(limits.tryOpen(ip("2001:db8::2:3")));
        assertEquals(AddressLimits.Refusal.CONCURRENCY, limits.tryOpen(ip("2001:db8::ffff:1")));
        assertNull(limits.tryOpen(ip("2001:db8:0:1::1")));
        assertEquals(AddressKey.of(ip("192.0.2.7")), AddressKey.of(InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 7})));
        assertEquals("2001:db8:0:1::/64", AddressKey.of(ip("2001:db8:0:1::1")).toString());
    }

    @Test
    void loopbackIsNotCountedWhenExempt() throws Exception {
        AddressLimits exempt = new AddressLimits(1, 1, true, clock);
        assertEquals(false, exempt.counts(ip("127.0.0.2")));
        AddressLimits strict = new AddressLimits(1, 1, false, clock);
        assertEquals(true, strict.counts(ip("127.0.0.2")));
    }
}
