package socks5d.management.mass.wire;

import java.util.List;
import java.util.Objects;

/**
 * The server's answer to the one request (docs/protocols/mass.md, Requests and replies). Immutable.
 *
 * <pre>
 *   +--------+----------+
 *   | STATUS |  FIELDS  |
 *   +--------+----------+
 *   |   1    | Variable |
 *   +--------+----------+
 * </pre>
 */
public sealed interface MassReply {

    /** STATUS only: every failure, and 0x0A..0x0D on success. */
    record StatusOnly(MassStatus status) implements MassReply {
        public StatusOnly {
            Objects.requireNonNull(status, "status");
        }
    }

    /** 0x00: STATUS, LEN, one byte per supported index. */
    record SupportedIndexes(List<MassIndex> indexes) implements MassReply {
        public SupportedIndexes {
            indexes = List.copyOf(indexes);
        }
    }

    /** 0x01: STATUS, COUNT, COUNT x (LEN, name). COUNT is one octet: at most 255 names. */
    record UserNames(List<String> names) implements MassReply {
        public UserNames {
            names = List.copyOf(names);
            if (names.size() > MassCodec.MAX_OCTET) {
                throw new IllegalArgumentException("COUNT is one octet: " + names.size() + " names");
            }
            for (String n : names) {
                MassMessage.requireField("username", n);
            }
        }
    }

    /** 0x02..0x09: STATUS, uint32. Values above 2^32-1 are sent as 2^32-1 (docs/protocols/mass.md). */
    record Counter(long value) implements MassReply {
        public Counter {
            if (value < 0) {
                throw new IllegalArgumentException("counters are never negative: " + value);
            }
        }
    }
}
