package socks5d.testkit.bytes;

import java.util.HexFormat;

import org.apache.pekko.util.ByteString;

/**
 * Test helper that spells wire bytes as hex text, so tests state exact bytes: {@code hex("05 01 00")}.
 * Whitespace, line breaks and {@code #} comments up to the end of a line are ignored.
 * Pure and thread-safe.
 */
public final class Hex {
    private Hex() {
    }

    /** Parses hex digits (spaces, newlines and {@code # comments} ignored) into a ByteString. */
    public static ByteString hex(String text) {
        return ByteString.fromArrayUnsafe(bytes(text));
    }

    /** Parses hex digits (spaces, newlines and {@code # comments} ignored) into a byte array. */
    public static byte[] bytes(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int hash = line.indexOf('#');
            String data = hash >= 0 ? line.substring(0, hash) : line;
            for (char c : data.toCharArray()) {
                if (!Character.isWhitespace(c)) {
                    digits.append(c);
                }
            }
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Renders bytes as lower-case hex pairs separated by spaces, for assertion messages. */
    public static String show(ByteString bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes.toArray());
    }

    /** The US-ASCII bytes of a string, for names and passwords in byte expectations. */
    public static ByteString ascii(String s) {
        return ByteString.fromString(s, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
