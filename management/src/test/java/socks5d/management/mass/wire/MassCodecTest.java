package socks5d.management.mass.wire;

import socks5d.wire.Decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MassCodecTest {

    /** A pipelined next message (index 0x02) that must come back as {@code rest}. */
    private static final ByteString NEXT = hex("02");

    /** Each case: name, bytes, expected message, decoder. */
    static Stream<Arguments> messages() {
        Function<ByteString, Decoded<?>> greeting = MassCodec::decodeGreeting;
        Function<ByteString, Decoded<?>> auth = MassCodec::decodeUserPass;
        Function<ByteString, Decoded<?>> request = MassCodec::decodeRequest;
        return Stream.of(
                Arguments.of("greeting, one method", hex("""
                        01  # VER
                        01  # NMETHODS
                        02  # METHODS: USERNAME/PASSWORD
                        """), new MassMessage.Greeting(List.of(2)), greeting),
                Arguments.of("greeting, unknown method kept", hex("""
                        01        # VER
                        03        # NMETHODS
                        00 02 80  # METHODS: NO AUTH, USERNAME/PASSWORD, private 0x80
                        """), new MassMessage.Greeting(List.of(0, 2, 128)), greeting),
                Arguments.of("username/password", hex("""
                        01           # VER (RFC 1929)
                        05           # ULEN
                        61 64 6d 69 6e  # UNAME "admin"
                        02           # PLEN
                        70 77        # PASSWD "pw"
                        """), new MassMessage.UserPass("admin", "pw"), auth),
                Arguments.of("0x00 supported indexes", hex("00  # REQUEST INDEX"),
                        new MassRequest.Query(MassIndex.SUPPORTED_INDEXES), request),
                Arguments.of("0x01 users", hex("01  # REQUEST INDEX"),
                        new MassRequest.Query(MassIndex.USER_LIST), request),
                Arguments.of("0x09 avg write size", hex("09  # REQUEST INDEX"),
                        new MassRequest.Query(MassIndex.AVG_WRITE_SIZE), request),
                Arguments.of("0x0A add user", hex("""
                        0a        # REQUEST INDEX add user
                        03        # LENGTH
                        62 6f 62  # DATA username "bob"
                        02        # LENGTH
                        70 77     # DATA password "pw"
                        """), new MassRequest.AddUser("bob", "pw"), request),
                Arguments.of("0x0A add user, empty username", hex("""
                        0a     # REQUEST INDEX add user
                        00     # LENGTH 0
                        02     # LENGTH
                        70 77  # DATA password
                        """), new MassRequest.Malformed(MassIndex.ADD_USER,
                        "username and password must be 1 to 255 bytes of UTF-8"), request),
                Arguments.of("0x0B delete user", hex("""
                        0b        # REQUEST INDEX delete user
                        03        # LENGTH
                        62 6f 62  # DATA username "bob"
                        """), new MassRequest.DeleteUser("bob"), request),
                Arguments.of("0x0B delete user, empty username", hex("""
                        0b  # REQUEST INDEX delete user
                        00  # LENGTH 0
                        """), new MassRequest.Malformed(MassIndex.DELETE_USER,
                        "username must be 1 to 255 bytes of UTF-8"), request),
                Arguments.of("0x0C authentication on", hex("""
                        0c  # REQUEST INDEX authentication
                        00  # X'00' = on
                        """), new MassRequest.SetAuthentication(true), request),
                Arguments.of("0x0C authentication off", hex("""
                        0c  # REQUEST INDEX authentication
                        07  # any other value = off
                        """), new MassRequest.SetAuthentication(false), request),
                Arguments.of("0x0D dissectors on", hex("""
                        0d  # REQUEST INDEX dissectors
                        00  # X'00' = on
                        """), new MassRequest.SetDissectors(true), request),
                Arguments.of("0x0D dissectors off", hex("""
                        0d  # REQUEST INDEX dissectors
                        01  # other = off
                        """), new MassRequest.SetDissectors(false), request),
                Arguments.of("unknown index", hex("0e  # REQUEST INDEX (unknown)"),
                        new MassRequest.Unknown(14), request));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void decodesWhole(String name, ByteString bytes, Object expected, Function<ByteString, Decoded<?>> decoder) {
        assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()), decoder.apply(bytes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void decodesSplitAtEveryOffset(String name, ByteString bytes, Object expected,
                                   Function<ByteString, Decoded<?>> decoder) {
        for (int k = 1; k < bytes.size(); k++) {
            assertInstanceOf(Decoded.NeedMore.class, decoder.apply(bytes.take(k)), "prefix of " + k);
            assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()),
                    decoder.apply(bytes.take(k).concat(bytes.drop(k))), "split at " + k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void decodesByteByByte(String name, ByteString bytes, Object expected, Function<ByteString, Decoded<?>> decoder) {
        ByteString buffer = ByteString.emptyByteString();
        for (int i = 0; i < bytes.size(); i++) {
            buffer = buffer.concat(bytes.slice(i, i + 1));
            if (i < bytes.size() - 1) {
                assertInstanceOf(Decoded.NeedMore.class, decoder.apply(buffer), "after byte " + i);
            }
        }
        assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()), decoder.apply(buffer));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void leavesPipelinedNextAsRest(String name, ByteString bytes, Object expected,
                                   Function<ByteString, Decoded<?>> decoder) {
        assertEquals(new Decoded.Ok<>(expected, NEXT), decoder.apply(bytes.concat(NEXT)));
    }

    static Stream<Arguments> clientEncodings() {
        return messages().filter(a -> !(a.get()[2] instanceof MassRequest.Malformed)
                && !a.get()[0].equals("0x0C authentication off")
                && !a.get()[0].equals("0x0D dissectors off"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientEncodings")
    void encodesClientMessagesToTheSameBytes(String name, ByteString bytes, Object message, Object ignored) {
        ByteString encoded = message instanceof MassMessage.Greeting g ? MassCodec.encode(g)
                : message instanceof MassMessage.UserPass up ? MassCodec.encode(up)
                : MassCodec.encode((MassRequest) message);
        assertEquals(show(bytes), show(encoded));
    }

    @Test
    void rejectsBadGreetings() {
        assertEquals(new Decoded.Invalid<>("unsupported VER 5"), MassCodec.decodeGreeting(hex("05  # VER of SOCKS5")));
        assertEquals(new Decoded.Invalid<>("NMETHODS 0"), MassCodec.decodeGreeting(hex("""
                01  # VER
                00  # NMETHODS 0
                """)));
    }

    @Test
    void rejectsBadSubNegotiations() {
        assertEquals(new Decoded.Invalid<>("unsupported sub-negotiation VER 5"),
                MassCodec.decodeUserPass(hex("05  # VER")));
        assertEquals(new Decoded.Invalid<>("ULEN 0"), MassCodec.decodeUserPass(hex("""
                01  # VER
                00  # ULEN 0
                """)));
        assertEquals(new Decoded.Invalid<>("PLEN 0"), MassCodec.decodeUserPass(hex("""
                01  # VER
                01  # ULEN
                61  # UNAME "a"
                00  # PLEN 0
                """)));
        assertEquals(new Decoded.Invalid<>("UNAME or PASSWD is not UTF-8"), MassCodec.decodeUserPass(hex("""
                01  # VER
                01  # ULEN
                ff  # UNAME, not UTF-8
                01  # PLEN
                70  # PASSWD
                """)));
    }

    @Test
    void encodesMethodSelectionsAndAuthReplies() {
        assertEquals(show(hex("01 02  # VER, METHOD USERNAME/PASSWORD")),
                show(MassCodec.encodeMethodSelection(MassMethod.USERNAME_PASSWORD)));
        assertEquals(show(hex("01 00  # VER, METHOD NO AUTHENTICATION REQUIRED")),
                show(MassCodec.encodeMethodSelection(MassMethod.NO_AUTHENTICATION_REQUIRED)));
        assertEquals(show(hex("01 ff  # VER, NO ACCEPTABLE METHODS")),
                show(MassCodec.encodeMethodSelection(MassMethod.NO_ACCEPTABLE_METHODS)));
        assertEquals(show(hex("01 00  # VER, STATUS success")), show(MassCodec.encodeAuthReply(true)));
        assertEquals(show(hex("01 01  # VER, STATUS failure")), show(MassCodec.encodeAuthReply(false)));
    }

    @Test
    void encodesEveryStatus() {
        assertEquals(show(hex("00  # STATUS success")),
                show(MassCodec.encode(new MassReply.StatusOnly(MassStatus.SUCCESS))));
        assertEquals(show(hex("01  # STATUS server error")),
                show(MassCodec.encode(new MassReply.StatusOnly(MassStatus.SERVER_ERROR))));
        assertEquals(show(hex("02  # STATUS index not supported")),
                show(MassCodec.encode(new MassReply.StatusOnly(MassStatus.INDEX_NOT_SUPPORTED))));
        assertEquals(show(hex("03  # STATUS user limit")),
                show(MassCodec.encode(new MassReply.StatusOnly(MassStatus.USER_LIMIT))));
    }

    @Test
    void encodesSupportedIndexes() {
        assertEquals(show(hex("""
                00        # STATUS success
                03        # LENGTH
                00 01 0d  # DATA: indexes
                """)), show(MassCodec.encode(new MassReply.SupportedIndexes(
                List.of(MassIndex.SUPPORTED_INDEXES, MassIndex.USER_LIST, MassIndex.SET_DISSECTORS)))));
    }

    @Test
    void encodesUserNames() {
        assertEquals(show(hex("""
                00        # STATUS success
                02        # COUNT
                03        # LENGTH
                62 6f 62  # DATA "bob"
                01        # LENGTH
                78        # DATA "x"
                """)), show(MassCodec.encode(new MassReply.UserNames(List.of("bob", "x")))));
    }

    @Test
    void encodesCountersAsUint32AndSaturates() {
        assertEquals(show(hex("""
                00           # STATUS success
                00 01 00 02  # uint32 65538
                """)), show(MassCodec.encode(new MassReply.Counter(65538))));
        assertEquals(show(hex("""
                00           # STATUS success
                ff ff ff ff  # uint32 2^32-1
                """)), show(MassCodec.encode(new MassReply.Counter(MassCodec.MAX_UINT32))));
        assertEquals(show(hex("""
                00           # STATUS success
                ff ff ff ff  # 2^32 saturates to 2^32-1
                """)), show(MassCodec.encode(new MassReply.Counter(1L << 32))));
    }

    @Test
    void recordsRefuseWhatTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new MassMessage.Greeting(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MassMessage.UserPass("", "pw"));
        assertThrows(IllegalArgumentException.class, () -> new MassMessage.UserPass("a".repeat(256), "pw"));
        assertThrows(IllegalArgumentException.class, () -> new MassRequest.Query(MassIndex.ADD_USER));
        assertThrows(IllegalArgumentException.class, () -> new MassRequest.Unknown(3));
        assertThrows(IllegalArgumentException.class, () -> new MassReply.Counter(-1));
        assertThrows(IllegalArgumentException.class,
                () -> new MassReply.UserNames(java.util.Collections.nCopies(256, "a")));
        assertEquals("UserPass[user=admin, password=***]", new MassMessage.UserPass("admin", "s3cret").toString());
    }
}
