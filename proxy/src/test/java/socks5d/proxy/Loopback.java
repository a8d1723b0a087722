package socks5d.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The loopback addresses socket tests bind and dial: nothing a test opens leaves the machine. Constants only. */
public final class Loopback {
    public static final InetAddress V4 = InetAddress.getLoopbackAddress();
    public static final InetAddress V6 = v6();

    private Loopback() {
    }

    private static InetAddress v6() {
        try {
            return InetAddress.getByName("::1");
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
