package socks5d.management;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The check of a listen address ({@code socks5d.proxy.listen-address}, flag -l, and
 * {@code socks5d.management.listen-address}, flag -L) made when the settings are read, so that a bad
 * one is a bad value of its flag (one line, the usage, exit 2; docs/operations.md, Exit codes) rather
 * than a failed bind: an IPv4 or IPv6 literal, or a name the system resolves. Text of digits and dots
 * only is taken as an IPv4 address and never looked up as a name. Pure but for that lookup.
 */
public final class ListenAddress {
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private ListenAddress() {
    }

    /**
     * The address {@code value} names.
     *
     * @param key the setting's key, named in the error
     * @throws IllegalArgumentException when it is empty, a malformed IPv4 or IPv6 literal, or a name that
     *                                  does not resolve
     */
    public static InetAddress check(String key, String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException(key + " must be an IP address or a host name, was empty");
        }
        if (DIGITS_AND_DOTS.matcher(v).matches() && !DOTTED_QUAD.matcher(v).matches()) {
            throw new IllegalArgumentException(key + " must be an IP address or a host name, was [" + value + "]");
        }
        String host = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
        try {
            return InetAddress.getByName(host); // a literal (a ':' makes it IPv6) is parsed, not looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + " must be an IP address or a host name, was [" + value
                    + "]: " + (host.indexOf(':') >= 0 ? "not an IPv6 address" : "the name does not resolve"));
        }
    }
}
