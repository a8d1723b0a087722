package socks5d.management.mass.wire;

import java.util.List;
import java.util.Objects;
import socks5d.wire.CredentialField;

/**
 * The messages a MASS client sends, in order: a {@link Greeting}, then (if the server chose
 * USERNAME/PASSWORD) a {@link UserPass}, then one {@link MassRequest}. Immutable.
 */
public sealed interface MassMessage permits MassMessage.Greeting, MassMessage.UserPass, MassRequest {

    /**
     * Version identifier / method selection (docs/protocols/mass.md, Method negotiation).
     * <pre>
     *   +-------+----------+----------+
     *   |  VER  | NMETHODS | METHODS  |
     *   +-------+----------+----------+
     *   | X'01' |    1     | 1 to 255 |
     *   +-------+----------+----------+
     * </pre>
     * {@code methods} are raw codes: unknown ones are kept, the server ignores them.
     */
    record Greeting(List<Integer> methods) implements MassMessage {
        public Greeting {
            methods = List.copyOf(methods);
            if (methods.isEmpty() || methods.size() > MassCodec.MAX_OCTET) {
                throw new IllegalArgumentException("NMETHODS must be 1 to 255, was " + methods.size());
            }
            for (int m : methods) {
                if (m < 0 || m > MassCodec.MAX_OCTET) {
                    throw new IllegalArgumentException("METHOD is one octet: " + m);
                }
            }
        }

        public boolean offers(MassMethod method) {
            return methods.contains(method.code());
        }
    }

    /**
     * RFC 1929 §2 username/password request.
     * <pre>
     *   +-----+------+----------+------+----------+
     *   | VER | ULEN |  UNAME   | PLEN |  PASSWD  |
     *   +-----+------+----------+------+----------+
     *   |  1  |  1   | 1 to 255 |  1   | 1 to 255 |
     *   +-----+------+----------+------+----------+
     * </pre>
     */
    record UserPass(String user, String password) implements MassMessage {
        public UserPass {
            requireField("UNAME", user);
            requireField("PASSWD", password);
        }

        @Override
        public String toString() {
            return "UserPass[user=" + user + ", password=***]";
        }
    }

    /** A name or password must take 1 to 255 UTF-8 bytes: its LEN field is one octet. */
    static void requireField(String what, String value) {
        CredentialField.require(what, value);
    }
}
