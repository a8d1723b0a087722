package socks5d.management.mcp.wire;

import socks5d.wire.Decoded;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import socks5d.wire.CredentialField;

/**
 * Pure encoder and decoder of MCP, the Monitoring and Configuration Protocol (docs/protocols/mcp.md).
 * Both directions share one 4-byte header:
 *
 * <pre>
 *   +------+------+----------+======================+
 *   | VER  | CMD  |   LEN    |       PAYLOAD        |
 *   +------+------+----------+======================+
 *   |  1   |  1   |    2     |      Variable        |
 *   +------+------+----------+======================+
 * </pre>
 *
 * In a response the CMD octet carries the {@link McpStatus}. Multi-byte numbers are big endian
 * (docs/protocols/mcp.md, Frame). The decoders keep no state: they return {@link Decoded.Ok} with
 * the bytes after the message in {@code rest}, {@link Decoded#needMore()} for a valid prefix, or
 * {@link Decoded.Invalid}. No I/O; thread-safe.
 */
public final class McpCodec {
    /** VER: the only protocol version (docs/protocols/mcp.md, Frame). */
    public static final int VERSION = 1;
    /** VER(1) CMD(1) LEN(2). */
    public static final int HEADER_LENGTH = 4;
    /** The largest value of one octet field. */
    public static final int MAX_OCTET = (1 << Byte.SIZE) - 1;
    /** LEN is an unsigned 16-bit field. */
    public static final int MAX_PAYLOAD = (1 << Short.SIZE) - 1;
    /** The longest frame either side can send. */
    public static final int MAX_FRAME = HEADER_LENGTH + MAX_PAYLOAD;
    /** Longest USERNAME or PASSWORD: ULEN and PLEN are one octet (RFC 1929 limits too). */
    public static final int MAX_FIELD = MAX_OCTET;
    /** LIST_USERS' COUNT is one octet, so one response names at most this many users. */
    public static final int MAX_LISTED_USERS = MAX_OCTET;
    /** TOGGLE_DISECTOR STATE octet values (docs/protocols/mcp.md, TOGGLE_DISECTOR). */
    public static final int STATE_OFF = 0;
    public static final int STATE_ON = 1;

    private static final int VER_OFFSET = 0;
    private static final int CMD_OFFSET = 1;
    private static final int LEN_OFFSET = 2;

    private McpCodec() {
    }

    // ---------------------------------------------------------------- requests (client -> server)

    /**
     * Decodes one request. A VER other than 0x01 is {@link Decoded.Invalid} as soon as its octet
     * arrives (docs/protocols/mcp.md, Errors and framing: ERROR and close, without waiting for LEN
     * bytes). Any other whole frame is {@link Decoded.Ok}: unknown CMDs and payloads that do not
     * add up are representable requests.
     */
    public static Decoded<McpRequest> decode(ByteString in) {
        Decoded<Frame> frame = decodeFrame(in);
        if (frame instanceof Decoded.Ok<Frame> ok) {
            return new Decoded.Ok<>(parseRequest(ok.value().code(), ok.value().payload()), ok.rest());
        }
        return retype(frame);
    }

    /**
     * Cuts the first whole frame (header and LEN octets of payload, at most {@link #MAX_FRAME}
     * octets) off {@code in}: {@link Decoded.Ok} with the frame and the bytes after it,
     * {@link Decoded#needMore()} for a valid prefix, or {@link Decoded.Invalid} as soon as a VER
     * other than 0x01 arrives (docs/protocols/mcp.md, Errors and framing).
     */
    public static Decoded<ByteString> splitFrame(ByteString in) {
        Decoded<Frame> frame = decodeFrame(in);
        if (frame instanceof Decoded.Ok<Frame> ok) {
            return new Decoded.Ok<>(in.take(HEADER_LENGTH + ok.value().payload().size()), ok.rest());
        }
        return retype(frame);
    }

    /** Encodes a request for a client. {@link McpRequest.Malformed} has no encoding. */
    public static ByteString encode(McpRequest request) {
        if (request instanceof McpRequest.GetMetrics) {
            return frame(McpCommand.GET_METRICS.code(), ByteString.emptyByteString());
        } else if (request instanceof McpRequest.ListUsers) {
            return frame(McpCommand.LIST_USERS.code(), ByteString.emptyByteString());
        } else if (request instanceof McpRequest.GetLimitMetrics) {
            return frame(McpCommand.GET_LIMIT_METRICS.code(), ByteString.emptyByteString());
        } else if (request instanceof McpRequest.ClusterNodes) {
            return frame(McpCommand.CLUSTER_NODES.code(), ByteString.emptyByteString());
        } else if (request instanceof McpRequest.AddUser add) {
            return frame(McpCommand.ADD_USER.code(), field(add.name()).concat(field(add.password())));
        } else if (request instanceof McpRequest.RemoveUser remove) {
            return frame(McpCommand.REMOVE_USER.code(), field(remove.name()));
        } else if (request instanceof McpRequest.ToggleDissector toggle) {
            ByteString payload = toggle.wanted()
                    .map(on -> ByteString.fromArrayUnsafe(new byte[] {(byte) (on ? STATE_ON : STATE_OFF)}))
                    .orElse(ByteString.emptyByteString());
            return frame(McpCommand.TOGGLE_DISECTOR.code(), payload);
        } else if (request instanceof McpRequest.Unsupported unsupported) {
            return frame(unsupported.code(), ByteString.emptyByteString());
        }
        throw new IllegalArgumentException("a malformed request has no encoding: " + request);
    }

    // --------------------------------------------------------------- responses (server -> client)

    /** Encodes a response: VER, STATUS, LEN, PAYLOAD. */
    public static ByteString encode(McpResponse response) {
        return frame(response.status().code(), response.payload());
    }

    /** Decodes one response (for clients such as socks5ctl). An unknown STATUS is invalid. */
    public static Decoded<McpResponse> decodeResponse(ByteString in) {
        Decoded<Frame> frame = decodeFrame(in);
        if (frame instanceof Decoded.Ok<Frame> ok) {
            Optional<McpStatus> status = McpStatus.fromCode(ok.value().code());
            if (status.isEmpty()) {
                return new Decoded.Invalid<>("unknown STATUS " + ok.value().code());
            }
            return new Decoded.Ok<>(new McpResponse(status.get(), ok.value().payload()), ok.rest());
        }
        return retype(frame);
    }

    /** The GET_METRICS payload: six uint64 big endian (docs/protocols/mcp.md, GET_METRICS). */
    public static ByteString encodeMetrics(McpMetrics m) {
        ByteStringBuilder b = new ByteStringBuilder();
        for (long v : new long[] {m.historicConnections(), m.currentConnections(), m.bytesTransferred(),
                m.successfulConnections(), m.failedConnections(), m.clientBytes()}) {
            b.putLong(v, ByteOrder.BIG_ENDIAN);
        }
        return b.result();
    }

    /** The GET_LIMIT_METRICS payload: five uint64 big endian (docs/protocols/mcp.md, GET_LIMIT_METRICS). */
    public static ByteString encodeLimitMetrics(McpLimitMetrics m) {
        ByteStringBuilder b = new ByteStringBuilder();
        for (long v : m.values()) {
            b.putLong(v, ByteOrder.BIG_ENDIAN);
        }
        return b.result();
    }

    /** Reads a GET_LIMIT_METRICS payload; it must be exactly 40 bytes. */
    public static Decoded<McpLimitMetrics> decodeLimitMetrics(ByteString payload) {
        if (payload.size() != McpLimitMetrics.LENGTH) {
            return new Decoded.Invalid<>("limit metrics payload of " + payload.size() + " bytes, expected "
                    + McpLimitMetrics.LENGTH);
        }
        long[] v = new long[McpLimitMetrics.LENGTH / Long.BYTES];
        java.nio.ByteBuffer bb = payload.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            v[i] = bb.getLong();
            if (v[i] < 0) {
                return new Decoded.Invalid<>("counter above 2^63-1");
            }
        }
        return new Decoded.Ok<>(new McpLimitMetrics(v[0], v[1], v[2], v[3], v[4]), ByteString.emptyByteString());
    }

    /** Reads a GET_METRICS payload; it must be exactly 48 bytes. */
    public static Decoded<McpMetrics> decodeMetrics(ByteString payload) {
        if (payload.size() != McpMetrics.LENGTH) {
            return new Decoded.Invalid<>("metrics payload of " + payload.size() + " bytes, expected " + McpMetrics.LENGTH);
        }
        long[] v = new long[McpMetrics.LENGTH / Long.BYTES];
        java.nio.ByteBuffer bb = payload.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            v[i] = bb.getLong();
            if (v[i] < 0) {
                return new Decoded.Invalid<>("counter above 2^63-1");
            }
        }
        return new Decoded.Ok<>(new McpMetrics(v[0], v[1], v[2], v[3], v[4], v[5]), ByteString.emptyByteString());
    }

    /**
     * The LIST_USERS payload (docs/protocols/mcp.md, LIST_USERS): COUNT(1), then COUNT x (ULEN(1)
     * USERNAME). COUNT is one octet, so at most {@link #MAX_LISTED_USERS} names fit; the caller
     * chooses which.
     */
    public static ByteString encodeUserList(List<String> names) {
        if (names.size() > MAX_LISTED_USERS) {
            throw new IllegalArgumentException("COUNT is one octet: " + names.size() + " names");
        }
        ByteStringBuilder b = new ByteStringBuilder();
        b.putByte((byte) names.size());
        for (String name : names) {
            b.append(field(name));
        }
        return b.result();
    }

    /** Reads a LIST_USERS payload; names that overrun the payload, or trailing bytes, are invalid. */
    public static Decoded<List<String>> decodeUserList(ByteString payload) {
        if (payload.isEmpty()) {
            return new Decoded.Invalid<>("missing COUNT");
        }
        int count = u8(payload, 0);
        int at = 1;
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (at >= payload.size()) {
                return new Decoded.Invalid<>("COUNT " + count + " but only " + i + " names");
            }
            int len = u8(payload, at);
            if (len == 0 || at + 1 + len > payload.size()) {
                return new Decoded.Invalid<>("ULEN " + len + " does not fit the payload");
            }
            Optional<String> name = text(payload, at + 1, len);
            if (name.isEmpty()) {
                return new Decoded.Invalid<>("USERNAME is not UTF-8");
            }
            names.add(name.get());
            at += 1 + len;
        }
        if (at != payload.size()) {
            return new Decoded.Invalid<>((payload.size() - at) + " bytes after the last name");
        }
        return new Decoded.Ok<>(List.copyOf(names), ByteString.emptyByteString());
    }

    /**
     * The TOGGLE_DISECTOR response payload (docs/protocols/mcp.md, TOGGLE_DISECTOR): STATE 0x01 on,
     * 0x00 off.
     */
    /**
     * The CLUSTER_NODES payload (docs/protocols/mcp.md, CLUSTER_NODES): UTF-8 text, one line per node
     * ending with LF, fields separated by TAB. Lines that do not fit in LEN are left out.
     */
    public static ByteString encodeNodeLines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            String next = line.replace('\n', ' ') + "\n";
            if (sb.toString().getBytes(StandardCharsets.UTF_8).length + next.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD) {
                break;
            }
            sb.append(next);
        }
        return ByteString.fromString(sb.toString(), StandardCharsets.UTF_8);
    }

    public static ByteString encodeDissectorState(boolean on) {
        return ByteString.fromArrayUnsafe(new byte[] {(byte) (on ? STATE_ON : STATE_OFF)});
    }

    /** Reads a TOGGLE_DISECTOR response payload. */
    public static Decoded<Boolean> decodeDissectorState(ByteString payload) {
        if (payload.size() != 1 || (u8(payload, 0) != STATE_ON && u8(payload, 0) != STATE_OFF)) {
            return new Decoded.Invalid<>("STATE must be one octet 0 or 1");
        }
        return new Decoded.Ok<>(u8(payload, 0) == STATE_ON, ByteString.emptyByteString());
    }

    // ------------------------------------------------------------------------------- internals

    private record Frame(int code, ByteString payload) {
    }

    private static Decoded<Frame> decodeFrame(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        int version = u8(in, VER_OFFSET);
        if (version != VERSION) {
            return new Decoded.Invalid<>("unsupported VER " + version);
        }
        if (in.size() < HEADER_LENGTH) {
            return Decoded.needMore();
        }
        int length = (u8(in, LEN_OFFSET) << Byte.SIZE) | u8(in, LEN_OFFSET + 1);
        if (in.size() < HEADER_LENGTH + length) {
            return Decoded.needMore();
        }
        return new Decoded.Ok<>(new Frame(u8(in, CMD_OFFSET), in.slice(HEADER_LENGTH, HEADER_LENGTH + length)),
                in.drop(HEADER_LENGTH + length));
    }

    private static McpRequest parseRequest(int code, ByteString p) {
        Optional<McpCommand> command = McpCommand.fromCode(code);
        if (command.isEmpty()) {
            return new McpRequest.Unsupported(code);
        }
        McpCommand cmd = command.get();
        switch (cmd) {
            case GET_METRICS:
                return p.isEmpty() ? McpRequest.GetMetrics.INSTANCE : new McpRequest.Malformed(cmd, "payload must be empty");
            case LIST_USERS:
                return p.isEmpty() ? McpRequest.ListUsers.INSTANCE : new McpRequest.Malformed(cmd, "payload must be empty");
            case GET_LIMIT_METRICS:
                return p.isEmpty() ? McpRequest.GetLimitMetrics.INSTANCE
                        : new McpRequest.Malformed(cmd, "payload must be empty");
            case CLUSTER_NODES:
                return p.isEmpty() ? McpRequest.ClusterNodes.INSTANCE : new McpRequest.Malformed(cmd, "payload must be empty");
            case ADD_USER: {
                if (p.isEmpty()) {
                    return new McpRequest.Malformed(cmd, "missing ULEN");
                }
                int ulen = u8(p, 0);
                int plenAt = 1 + ulen;
                if (ulen == 0 || plenAt >= p.size()) {
                    return new McpRequest.Malformed(cmd, "ULEN " + ulen + " does not fit the payload");
                }
                int plen = u8(p, plenAt);
                if (plen == 0 || plenAt + 1 + plen != p.size()) {
                    return new McpRequest.Malformed(cmd, "PLEN " + plen + " does not add up to LEN " + p.size());
                }
                Optional<String> name = text(p, 1, ulen);
                Optional<String> password = text(p, plenAt + 1, plen);
                if (name.isEmpty() || password.isEmpty()) {
                    return new McpRequest.Malformed(cmd, "USERNAME or PASSWORD is not UTF-8");
                }
                return new McpRequest.AddUser(name.get(), password.get());
            }
            case REMOVE_USER: {
                if (p.isEmpty()) {
                    return new McpRequest.Malformed(cmd, "missing ULEN");
                }
                int ulen = u8(p, 0);
                if (ulen == 0 || 1 + ulen != p.size()) {
                    return new McpRequest.Malformed(cmd, "ULEN " + ulen + " does not add up to LEN " + p.size());
                }
                return text(p, 1, ulen)
                        .<McpRequest>map(McpRequest.RemoveUser::new)
                        .orElseGet(() -> new McpRequest.Malformed(cmd, "USERNAME is not UTF-8"));
            }
            case TOGGLE_DISECTOR:
            default: {
                if (p.isEmpty()) {
                    return new McpRequest.ToggleDissector(Optional.empty());
                }
                if (p.size() == 1 && (u8(p, 0) == STATE_ON || u8(p, 0) == STATE_OFF)) {
                    return new McpRequest.ToggleDissector(Optional.of(u8(p, 0) == STATE_ON));
                }
                return new McpRequest.Malformed(cmd, "STATE must be absent or one octet 0 or 1");
            }
        }
    }

    /** Strict UTF-8, so that a name's length in characters maps back to the same bytes. */
    private static Optional<String> text(ByteString p, int from, int length) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(p.slice(from, from + length).asByteBuffer())
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** A name or password as LEN(1) DATA. */
    private static ByteString field(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return new ByteStringBuilder().putByte((byte) bytes.length).putBytes(bytes).result();
    }

    private static ByteString frame(int code, ByteString payload) {
        return new ByteStringBuilder()
                .putByte((byte) VERSION)
                .putByte((byte) code)
                .putShort(payload.size(), ByteOrder.BIG_ENDIAN)
                .append(payload)
                .result();
    }

    static void requireField(String what, String value) {
        CredentialField.require(what, value);
    }

    private static int u8(ByteString b, int index) {
        return Byte.toUnsignedInt(b.apply(index));
    }

    private static <A, B> Decoded<B> retype(Decoded<A> notOk) {
        if (notOk instanceof Decoded.Invalid<A> invalid) {
            return new Decoded.Invalid<>(invalid.why());
        }
        return Decoded.needMore();
    }
}
