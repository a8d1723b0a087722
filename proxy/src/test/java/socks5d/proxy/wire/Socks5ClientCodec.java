package socks5d.proxy.wire;

import static socks5d.proxy.wire.Socks5Codec.SOCKS_VERSION;
import static socks5d.proxy.wire.Socks5Codec.USERPASS_VERSION;
import static socks5d.proxy.wire.Socks5Codec.addressed;
import static socks5d.proxy.wire.Socks5Codec.decodeRequest;
import static socks5d.proxy.wire.Socks5Codec.u8;

import java.nio.charset.StandardCharsets;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

import socks5d.wire.Decoded;

/**
 * The client's side of {@link Socks5Codec}, which socks5d itself never needs: encoders of the
 * messages a client sends and decoders of the server's answers, for byte-exact and round-trip tests
 * of the server's side. Pure.
 */
public final class Socks5ClientCodec {
    private Socks5ClientCodec() {
    }

    /** RFC 1928 §3 METHOD selection message. */
    public static Decoded<MethodSelection> decodeMethodSelection(ByteString in) {
        if (in.size() < 2) {
            return in.nonEmpty() && u8(in, 0) != SOCKS_VERSION ? Decoded.invalid("VER is not 5") : Decoded.needMore();
        }
        if (u8(in, 0) != SOCKS_VERSION) {
            return Decoded.invalid("VER is not 5");
        }
        AuthMethod m = AuthMethod.fromCode(u8(in, 1));
        if (m == AuthMethod.OTHER) {
            return Decoded.invalid("server selected unknown method " + u8(in, 1));
        }
        return new Decoded.Ok<>(new MethodSelection(m), in.drop(2));
    }

    /** RFC 1928 §6 reply. */
    public static Decoded<Reply> decodeReply(ByteString in) {
        Decoded<Request> asRequest = decodeRequest(in);
        if (asRequest instanceof Decoded.Ok<Request> ok) {
            Request r = ok.value();
            if (r.address() instanceof SocksAddress.Unsupported u) {
                return Decoded.invalid("reply ATYP " + u.code() + " unknown");
            }
            if (r.commandCode() > ReplyCode.ADDRESS_TYPE_NOT_SUPPORTED.code()) {
                return Decoded.invalid("REP " + r.commandCode() + " unknown");
            }
            return new Decoded.Ok<>(new Reply(ReplyCode.fromCode(r.commandCode()), r.address(), r.port()), ok.rest());
        }
        if (asRequest instanceof Decoded.Invalid<Request> bad) {
            return Decoded.invalid(bad.why());
        }
        return Decoded.needMore();
    }

    public static ByteString encode(ClientMessage message) {
        ByteStringBuilder b = new ByteStringBuilder();
        if (message instanceof Greeting g) {
            b.putByte((byte) SOCKS_VERSION).putByte((byte) g.methods().size());
            g.methods().forEach(m -> b.putByte(m.byteValue()));
            return b.result();
        }
        if (message instanceof UserPassRequest u) {
            byte[] user = u.username().getBytes(StandardCharsets.UTF_8);
            byte[] pass = u.password().getBytes(StandardCharsets.UTF_8);
            b.putByte((byte) USERPASS_VERSION).putByte((byte) user.length).putBytes(user);
            b.putByte((byte) pass.length).putBytes(pass);
            return b.result();
        }
        Request r = (Request) message;
        return addressed(r.commandCode(), r.address(), r.port());
    }

}
