package socks5d.proxy.connect;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address text without ever looking it up (docs/protocols/socks5.md: no blocking resolution).
 * InetAddress.getByName would ask the system resolver, blocking, for text that is no address, such
 * as {@code 999.1.1.1}, and would accept BSD forms such as {@code 10.1.5} (10.1.0.5); so a dotted
 * quad is parsed here and IPv6 text goes in brackets, where the JDK never falls back to a lookup.
 * Pure and thread-safe.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal (optionally in brackets), else {@code null}. An
     * IPv4-mapped IPv6 literal comes back as the {@link Inet4Address} it names.
     */
    public static InetAddress parse(String text) {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                String[] parts = host.split("\\.");
                byte[] octets = new byte[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return null;
                    }
                    octets[i] = (byte) octet;
                }
                return InetAddress.getByAddress(octets);
            }
            if (host.indexOf(':') >= 0) {
                InetAddress a = InetAddress.getByName("[" + host + "]");
                return a instanceof Inet4Address || a instanceof Inet6Address ? a : null;
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }
}
