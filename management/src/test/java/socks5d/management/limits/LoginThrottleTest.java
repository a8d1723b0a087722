package socks5d.management.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final FakeClock clock = new FakeClock();
    private final LoginThrottle.Settings settings = new LoginThrottle.Settings(3, Duration.ofMillis(100),
            Duration.ofMillis(800), 10, Duration.ofMinutes(5), Duration.ofMinutes(15), 4, true);
    private final LoginThrottle throttle = new LoginThrottle("TEST", settings, clock);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void failuresAreFreeThenDelayedExponentiallyUpToTheCapThenBlockedForTheWindow() throws Exception {
        InetAddress a = ip("192.0.2.1");
        long[] expected = {0, 0, 0, 100, 200, 400, 800, 800, 800, 800};
        for (long ms : expected) {
            assertEquals(LoginThrottle.Admission.CHECK, throttle.admit(a));
            assertEquals(Duration.ofMillis(ms).toNanos(), throttle.failed(a));
        }
        assertEquals(LoginThrottle.Admission.REFUSE, throttle.admit(a));
        assertEquals(LoginThrottle.Admission.CHECK, throttle.admit(ip("192.0.2.2")), "other addresses are unaffected");
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertEquals(LoginThrottle.Admission.REFUSE, throttle.admit(a));
        clock.advance(Duration.ofMillis(1));
        assertEquals(LoginThrottle.Admission.CHECK, throttle.admit(a), "the window ended");
        assertEquals(0, throttle.failed(a), "and the count starts again");
    }

    @Test
    void aSuccessResetsTheCount() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            throttle.failed(a);
        }
        throttle.succeeded(a);
        assertEquals(0, throttle.failed(a));
        assertEquals(1, throttle.size());
    }

    @Test
    void aQuietAddressIsForgotten() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            throttle.failed(a);
        }
        clock.advance(Duration.ofMinutes(16));
        assertEquals(0, throttle.failed(a));
    }

    @Test
    void ipv6CountsByItsSlash64() throws Exception {
        for (int i = 1; i <= 10; i++) {
            throttle.failed(ip("2001:db8:1:2::" + Integer.toHexString(i)));
        }
        assertEquals(LoginThrottle.Admission.REFUSE, throttle.admit(ip("2001:db8:1:2:ffff::1")));
        assertEquals(LoginThrottle.Admission.CHECK, throttle.admit(ip("2001:db8:1:3::1")));
    }

    @Test
    void loopbackIsExemptWhenConfigured() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(0, throttle.failed(ip("127.0.0.1")));
        }
        assertEquals(LoginThrottle.Admission.CHECK, throttle.admit(ip("127.0.0.1")));
        LoginThrottle strict = new LoginThrottle("TEST", new LoginThrottle.Settings(0, Duration.ZERO, Duration.ZERO,
                2, Duration.ofSeconds(1), Duration.ofMinutes(1), 10, false), clock);
        strict.failed(ip("127.0.0.2"));
        strict.failed(ip("127.0.0.2"));
        assertEquals(LoginThrottle.Admission.REFUSE, strict.admit(ip("127.0.0.2")));
    }

    @Test
    void memoryIsBoundedAndExpiredAddressesMakeRoom() throws Exception {
        for (int i = 1; i <= 10; i++) {
            throttle.failed(ip("198.51.100." + i));
        }
        assertEquals(4, throttle.size(), "max-addresses");
        clock.advance(Duration.ofMinutes(16));
        throttle.failed(ip("198.51.100.99"));
        assertEquals(1, throttle.size());
    }
}
