package socks5d.management.mass.wire;

import java.util.Objects;

/**
 * The one request of a MASS session (docs/protocols/mass.md, Requests and replies): REQUEST INDEX,
 * then the index's PARAMETERS. Variable parameters are LENGTH(1) DATA(up to 255). Immutable.
 *
 * <pre>
 *   +---------------+------------+
 *   | REQUEST INDEX | PARAMETERS |
 *   +---------------+------------+
 *   |       1       |  Variable  |
 *   +---------------+------------+
 * </pre>
 */
public sealed interface MassRequest extends MassMessage {

    /** 0x00..0x09: no parameters. */
    record Query(MassIndex index) implements MassRequest {
        public Query {
            if (index.code() > MassIndex.AVG_WRITE_SIZE.code()) {
                throw new IllegalArgumentException(index + " takes parameters");
            }
        }
    }

    /** 0x0A add a BASIC user: LEN user, LEN pass. */
    record AddUser(String user, String password) implements MassRequest {
        public AddUser {
            MassMessage.requireField("username", user);
            MassMessage.requireField("password", password);
        }

        @Override
        public String toString() {
            return "AddUser[user=" + user + ", password=***]";
        }
    }

    /** 0x0B delete a user: LEN user. */
    record DeleteUser(String user) implements MassRequest {
        public DeleteUser {
            MassMessage.requireField("username", user);
        }
    }

    /** 0x0C authentication: one octet, X'00' on, any other value off. */
    record SetAuthentication(boolean on) implements MassRequest {
    }

    /** 0x0D password dissectors: one octet, X'00' on, any other value off. */
    record SetDissectors(boolean on) implements MassRequest {
    }

    /** An index this server does not know; answered INDEX_NOT_SUPPORTED. Its parameters are unknown. */
    record Unknown(int code) implements MassRequest {
        public Unknown {
            if (code < 0 || code > MassCodec.MAX_OCTET || MassIndex.fromCode(code).isPresent()) {
                throw new IllegalArgumentException("not an unknown index: " + code);
            }
        }
    }

    /** A known index whose parameters are malformed (zero length, not UTF-8); answered SERVER_ERROR. */
    record Malformed(MassIndex index, String why) implements MassRequest {
        public Malformed {
            Objects.requireNonNull(index, "index");
            Objects.requireNonNull(why, "why");
        }
    }
}
