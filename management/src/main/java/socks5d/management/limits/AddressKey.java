package socks5d.management.limits;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The client a per-address limit counts (docs/operations.md, Limits): an IPv4 address as it is,
 * an IPv6 address by its /64 prefix (one host or network usually holds a whole /64, so counting
 * single IPv6 addresses would let it open a limit's worth per address), an IPv4-mapped IPv6 address
 * as its IPv4 address. Immutable.
 */
public record AddressKey(boolean v6, long bits) {

    public static AddressKey of(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return new AddressKey(false, ipv4(b, 0));
        }
        if (address instanceof Inet6Address && isMappedV4(b)) {
            return new AddressKey(false, ipv4(b, 12));
        }
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix = (prefix << 8) | (b[i] & 0xFFL);
        }
        return new AddressKey(true, prefix);
    }

    private static long ipv4(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    @Override
    public String toString() {
        if (!v6) {
            return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "."
                    + (bits & 0xFF);
        }
        return String.format("%x:%x:%x:%x::/64", (bits >>> 48) & 0xFFFF, (bits >>> 32) & 0xFFFF,
                (bits >>> 16) & 0xFFFF, bits & 0xFFFF);
    }
}
