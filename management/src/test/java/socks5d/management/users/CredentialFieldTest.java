package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import socks5d.wire.CredentialField;

/**
 * The rule for user names and passwords (socks5d.wire.CredentialField): 1 to 255 bytes of UTF-8,
 * counted as {@code getBytes(UTF_8)} would count them, without making the bytes.
 */
final class CredentialFieldTest {

    @Property(tries = 2000)
    void countsAsGetBytesDoes(@ForAll("anyChars") String value) {
        assertEquals(value.getBytes(StandardCharsets.UTF_8).length, CredentialField.utf8Length(value));
    }

    /** Any UTF-16 units, lone and paired surrogates included, weighted towards the boundaries of UTF-8's lengths. */
    @Provide
    Arbitrary<String> anyChars() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.chars().range('\u0000', '\u007f')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0080', '\u07ff')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0800', '\uffff')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\ud800', '\udfff')));
        return chars.list().ofMaxSize(40).map(l -> {
            StringBuilder sb = new StringBuilder(l.size());
            l.forEach(sb::append);
            return sb.toString();
        });
    }

    @Test
    void lengthsAtTheEdges() {
        assertEquals(0, CredentialField.utf8Length(""));
        assertEquals(1 + 2 + 3 + 4, CredentialField.utf8Length("a\u00e9\u20ac\ud83d\ude00"));
        assertEquals(1, CredentialField.utf8Length("\ud83d"), "a lone high surrogate becomes '?'");
        assertEquals(2, CredentialField.utf8Length("\ude00\ud83d"), "a low surrogate before a high one pairs with nothing");
        assertNull(CredentialField.invalid("name", "x".repeat(255)));
        assertNull(CredentialField.invalid("name", "\u20ac".repeat(85)));
        assertTrue(CredentialField.invalid("name", "\u20ac".repeat(86)).endsWith("not 258"));
        assertTrue(CredentialField.invalid("name", "").endsWith("not 0"));
        assertEquals("name missing", CredentialField.invalid("name", null));
    }
}
