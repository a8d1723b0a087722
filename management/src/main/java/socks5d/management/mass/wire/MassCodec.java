package socks5d.management.mass.wire;

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

/**
 * Pure encoder and decoder of MASS, the MASS Management Protocol v1 (docs/protocols/mass.md): a
 * SOCKS-like method negotiation, the RFC 1929 sub-negotiation, then one indexed request and one
 * reply. The decoders keep no state; which one applies is the session's phase
 * ({@code socks5d.management.mass.MassSession}). No I/O; thread-safe.
 */
public final class MassCodec {
    /** VER of the method negotiation (docs/protocols/mass.md, Method negotiation). */
    public static final int VERSION = 1;
    /** VER of the username/password sub-negotiation (RFC 1929 §2). */
    public static final int AUTH_VERSION = 1;
    /** RFC 1929 §2 STATUS: X'00' success; any other value is a failure and the server closes. */
    public static final int AUTH_SUCCESS = 0;
    public static final int AUTH_FAILURE = 1;
    /** Largest value of a one-octet field: NMETHODS, LENGTH, COUNT. */
    public static final int MAX_OCTET = (1 << Byte.SIZE) - 1;
    /** Largest uint32 reply field (docs/protocols/mass.md: larger counters saturate). */
    public static final long MAX_UINT32 = (1L << Integer.SIZE) - 1;
    /** 0x0C/0x0D parameter: X'00' means on, anything else off; this encoder sends X'01' for off. */
    public static final int SWITCH_ON = 0;
    public static final int SWITCH_OFF = 1;
    /** Longest client message: the RFC 1929 request, VER ULEN UNAME(255) PLEN PASSWD(255). */
    public static final int MAX_CLIENT_MESSAGE = 3 + 2 * MAX_OCTET;

    private MassCodec() {
    }

    // ---------------------------------------------------------------------- client -> server

    /** Decodes VER NMETHODS METHODS. A VER other than X'01' or NMETHODS 0 is invalid. */
    public static Decoded<MassMessage.Greeting> decodeGreeting(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        if (u8(in, 0) != VERSION) {
            return new Decoded.Invalid<>("unsupported VER " + u8(in, 0));
        }
        if (in.size() < 2) {
            return Decoded.needMore();
        }
        int n = u8(in, 1);
        if (n == 0) {
            return new Decoded.Invalid<>("NMETHODS 0");
        }
        if (in.size() < 2 + n) {
            return Decoded.needMore();
        }
        List<Integer> methods = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            methods.add(u8(in, 2 + i));
        }
        return new Decoded.Ok<>(new MassMessage.Greeting(methods), in.drop(2 + n));
    }

    /** Decodes the RFC 1929 request. Bad VER, a zero length or a non-UTF-8 field is invalid. */
    public static Decoded<MassMessage.UserPass> decodeUserPass(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        if (u8(in, 0) != AUTH_VERSION) {
            return new Decoded.Invalid<>("unsupported sub-negotiation VER " + u8(in, 0));
        }
        if (in.size() < 2) {
            return Decoded.needMore();
        }
        int ulen = u8(in, 1);
        if (ulen == 0) {
            return new Decoded.Invalid<>("ULEN 0");
        }
        if (in.size() < 3 + ulen) {
            return Decoded.needMore();
        }
        int plen = u8(in, 2 + ulen);
        if (plen == 0) {
            return new Decoded.Invalid<>("PLEN 0");
        }
        int end = 3 + ulen + plen;
        if (in.size() < end) {
            return Decoded.needMore();
        }
        Optional<String> user = text(in, 2, ulen);
        Optional<String> password = text(in, 3 + ulen, plen);
        if (user.isEmpty() || password.isEmpty()) {
            return new Decoded.Invalid<>("UNAME or PASSWD is not UTF-8");
        }
        return new Decoded.Ok<>(new MassMessage.UserPass(user.get(), password.get()), in.drop(end));
    }

    /**
     * Decodes REQUEST INDEX and its PARAMETERS. Unknown indexes and malformed parameters are
     * {@link Decoded.Ok} ({@link MassRequest.Unknown}, {@link MassRequest.Malformed}) so that the
     * server answers them with a STATUS; this decoder never returns Invalid.
     */
    public static Decoded<MassRequest> decodeRequest(ByteString in) {
        if (in.isEmpty()) {
            return Decoded.needMore();
        }
        int code = u8(in, 0);
        Optional<MassIndex> known = MassIndex.fromCode(code);
        if (known.isEmpty()) {
            return new Decoded.Ok<>(new MassRequest.Unknown(code), in.drop(1));
        }
        MassIndex index = known.get();
        if (index.code() <= MassIndex.AVG_WRITE_SIZE.code()) {
            return new Decoded.Ok<>(new MassRequest.Query(index), in.drop(1));
        }
        switch (index) {
            case ADD_USER: {
                if (in.size() < 2) {
                    return Decoded.needMore();
                }
                int ulen = u8(in, 1);
                if (in.size() < 3 + ulen) {
                    return Decoded.needMore();
                }
                int plen = u8(in, 2 + ulen);
                int end = 3 + ulen + plen;
                if (in.size() < end) {
                    return Decoded.needMore();
                }
                Optional<String> user = ulen == 0 ? Optional.empty() : text(in, 2, ulen);
                Optional<String> password = plen == 0 ? Optional.empty() : text(in, 3 + ulen, plen);
                MassRequest r = user.isPresent() && password.isPresent()
                        ? new MassRequest.AddUser(user.get(), password.get())
                        : new MassRequest.Malformed(index, "username and password must be 1 to 255 bytes of UTF-8");
                return new Decoded.Ok<>(r, in.drop(end));
            }
            case DELETE_USER: {
                if (in.size() < 2) {
                    return Decoded.needMore();
                }
                int ulen = u8(in, 1);
                int end = 2 + ulen;
                if (in.size() < end) {
                    return Decoded.needMore();
                }
                Optional<String> user = ulen == 0 ? Optional.empty() : text(in, 2, ulen);
                MassRequest r = user.<MassRequest>map(MassRequest.DeleteUser::new)
                        .orElseGet(() -> new MassRequest.Malformed(index, "username must be 1 to 255 bytes of UTF-8"));
                return new Decoded.Ok<>(r, in.drop(end));
            }
            case SET_AUTHENTICATION:
            case SET_DISSECTORS:
            default: {
                if (in.size() < 2) {
                    return Decoded.needMore();
                }
                boolean on = u8(in, 1) == SWITCH_ON;
                MassRequest r = index == MassIndex.SET_AUTHENTICATION
                        ? new MassRequest.SetAuthentication(on) : new MassRequest.SetDissectors(on);
                return new Decoded.Ok<>(r, in.drop(2));
            }
        }
    }

    /** Client side: VER NMETHODS METHODS. */
    public static ByteString encode(MassMessage.Greeting g) {
        ByteStringBuilder b = new ByteStringBuilder().putByte((byte) VERSION).putByte((byte) g.methods().size());
        g.methods().forEach(m -> b.putByte(m.byteValue()));
        return b.result();
    }

    /** Client side: RFC 1929 VER ULEN UNAME PLEN PASSWD. */
    public static ByteString encode(MassMessage.UserPass up) {
        return new ByteStringBuilder().putByte((byte) AUTH_VERSION)
                .append(field(up.user())).append(field(up.password())).result();
    }

    /** Client side: REQUEST INDEX PARAMETERS. {@link MassRequest.Malformed} has no encoding. */
    public static ByteString encode(MassRequest r) {
        ByteStringBuilder b = new ByteStringBuilder();
        if (r instanceof MassRequest.Query q) {
            b.putByte((byte) q.index().code());
        } else if (r instanceof MassRequest.AddUser add) {
            b.putByte((byte) MassIndex.ADD_USER.code()).append(field(add.user())).append(field(add.password()));
        } else if (r instanceof MassRequest.DeleteUser del) {
            b.putByte((byte) MassIndex.DELETE_USER.code()).append(field(del.user()));
        } else if (r instanceof MassRequest.SetAuthentication s) {
            b.putByte((byte) MassIndex.SET_AUTHENTICATION.code()).putByte((byte) (s.on() ? SWITCH_ON : SWITCH_OFF));
        } else if (r instanceof MassRequest.SetDissectors s) {
            b.putByte((byte) MassIndex.SET_DISSECTORS.code()).putByte((byte) (s.on() ? SWITCH_ON : SWITCH_OFF));
        } else if (r instanceof MassRequest.Unknown u) {
            b.putByte((byte) u.code());
        } else {
            throw new IllegalArgumentException("a malformed request has no encoding: " + r);
        }
        return b.result();
    }

    // ---------------------------------------------------------------------- server -> client

    /** VER METHOD (docs/protocols/mass.md, Method negotiation). */
    public static ByteString encodeMethodSelection(MassMethod method) {
        return ByteString.fromArrayUnsafe(new byte[] {(byte) VERSION, (byte) method.code()});
    }

    /** RFC 1929 §2 reply VER STATUS: X'00' success, X'01' failure. */
    public static ByteString encodeAuthReply(boolean success) {
        return ByteString.fromArrayUnsafe(new byte[] {(byte) AUTH_VERSION,
                (byte) (success ? AUTH_SUCCESS : AUTH_FAILURE)});
    }

    /** STATUS FIELDS (docs/protocols/mass.md, Requests and replies). */
    public static ByteString encode(MassReply reply) {
        ByteStringBuilder b = new ByteStringBuilder();
        if (reply instanceof MassReply.StatusOnly s) {
            b.putByte((byte) s.status().code());
        } else if (reply instanceof MassReply.SupportedIndexes s) {
            b.putByte((byte) MassStatus.SUCCESS.code()).putByte((byte) s.indexes().size());
            s.indexes().forEach(i -> b.putByte((byte) i.code()));
        } else if (reply instanceof MassReply.UserNames u) {
            b.putByte((byte) MassStatus.SUCCESS.code()).putByte((byte) u.names().size());
            u.names().forEach(n -> b.append(field(n)));
        } else if (reply instanceof MassReply.Counter c) {
            b.putByte((byte) MassStatus.SUCCESS.code())
                    .putInt((int) Math.min(c.value(), MAX_UINT32), ByteOrder.BIG_ENDIAN);
        }
        return b.result();
    }

    private static ByteString field(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return new ByteStringBuilder().putByte((byte) bytes.length).putBytes(bytes).result();
    }

    /** Strict UTF-8, so that a name means the same bytes everywhere. */
    private static Optional<String> text(ByteString in, int from, int length) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.slice(from, from + length).asByteBuffer()).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static int u8(ByteString b, int index) {
        return Byte.toUnsignedInt(b.apply(index));
    }
}
