package socks5d.management.pctp.wire;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A PCTP command line as parsed by {@link PctpCodec#parse} (docs/protocols/pctp.md,
 * Lines): a keyword of one or two words, possibly followed by one argument after a single
 * space. Anything else is {@link Unknown} or {@link Malformed}, so the session, not the parser,
 * chooses the -ERR. Immutable.
 *
 * <pre>
 *   USER name | PASS password | STATS | LOGS [N] | CONFIG IO=bytes
 *   ADD ADMIN|BASIC | DEL name | LIST | EXIT          each ending LF or CRLF
 *   LIMITS | LIMIT sessions|- bandwidth|- name        socks5d's extension (per-user limits)
 * </pre>
 */
public sealed interface PctpCommand {
    /** {@code USER <name>}: login, or the new user's name after ADD. */
    record User(String name) implements PctpCommand {
        public User {
            PctpCodec.requireArgument(name);
        }
    }

    /** {@code PASS <password>}: the rest of the line after one space, spaces included. */
    record Pass(String password) implements PctpCommand {
        public Pass {
            PctpCodec.requireArgument(password);
        }

        @Override
        public String toString() {
            return "Pass[***]";
        }
    }

    enum Stats implements PctpCommand { INSTANCE }

    /** {@code LOGS [N]}: empty means the default (100). */
    record Logs(OptionalInt count) implements PctpCommand {
        public Logs {
            Objects.requireNonNull(count, "count");
            if (count.isPresent() && count.getAsInt() < 0) {
                throw new IllegalArgumentException("N is never negative");
            }
        }
    }

    /** {@code CONFIG IO=<bytes>}; the session raises a value below the minimum, the Switches actor refuses one above the maximum. */
    record ConfigIo(int bytes) implements PctpCommand {
    }

    record Add(PctpRole role) implements PctpCommand {
        public Add {
            Objects.requireNonNull(role, "role");
        }
    }

    record Del(String name) implements PctpCommand {
        public Del {
            PctpCodec.requireArgument(name);
        }
    }

    enum ListUsers implements PctpCommand { INSTANCE }

    /** {@code LIMITS}: every user's own limits. */
    enum ListLimits implements PctpCommand { INSTANCE }

    /** {@code LIMIT <sessions> <bandwidth> <name>}: -1 is the default ({@code -}), 0 no limit. */
    record Limit(int sessions, long bandwidth, String name) implements PctpCommand {
        public Limit {
            PctpCodec.requireArgument(name);
            if (sessions < -1 || bandwidth < -1) {
                throw new IllegalArgumentException("a limit is -1, 0 or more");
            }
        }
    }

    enum Exit implements PctpCommand { INSTANCE }

    /** A keyword this server does not know. */
    record Unknown(String keyword) implements PctpCommand {
        public Unknown {
            Objects.requireNonNull(keyword, "keyword");
        }
    }

    /** A known keyword with a missing, extra or invalid argument. */
    record Malformed(String keyword, String why) implements PctpCommand {
        public Malformed {
            Objects.requireNonNull(keyword, "keyword");
            Objects.requireNonNull(why, "why");
        }
    }
}
