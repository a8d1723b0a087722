package socks5d.management.mcp.wire;

import socks5d.wire.Decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class McpCodecTest {

    /** A pipelined GET_METRICS that must come back untouched as {@code rest}. */
    private static final ByteString NEXT = hex("01 00 00 00");

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("GET_METRICS", hex("""
                        01     # VER
                        00     # CMD GET_METRICS
                        00 00  # LEN 0
                        """), McpRequest.GetMetrics.INSTANCE),
                Arguments.of("LIST_USERS", hex("""
                        01     # VER
                        01     # CMD LIST_USERS
                        00 00  # LEN 0
                        """), McpRequest.ListUsers.INSTANCE),
                Arguments.of("ADD_USER", hex("""
                        01        # VER
                        02        # CMD ADD_USER
                        00 07     # LEN 7
                        03        # ULEN
                        62 6f 62  # USERNAME "bob"
                        02        # PLEN
                        70 77     # PASSWORD "pw"
                        """), new McpRequest.AddUser("bob", "pw")),
                Arguments.of("REMOVE_USER", hex("""
                        01        # VER
                        03        # CMD REMOVE_USER
                        00 04     # LEN 4
                        03        # ULEN
                        62 6f 62  # USERNAME "bob"
                        """), new McpRequest.RemoveUser("bob")),
                Arguments.of("TOGGLE_DISECTOR flip (empty payload)", hex("""
                        01     # VER
                        04     # CMD TOGGLE_DISECTOR
                        00 00  # LEN 0
                        """), new McpRequest.ToggleDissector(Optional.empty())),
                Arguments.of("TOGGLE_DISECTOR on", hex("""
                        01     # VER
                        04     # CMD TOGGLE_DISECTOR
                        00 01  # LEN 1
                        01     # STATE on
                        """), new McpRequest.ToggleDissector(Optional.of(true))),
                Arguments.of("TOGGLE_DISECTOR off", hex("""
                        01     # VER
                        04     # CMD TOGGLE_DISECTOR
                        00 01  # LEN 1
                        00     # STATE off
                        """), new McpRequest.ToggleDissector(Optional.of(false))),
                Arguments.of("unknown CMD", hex("""
                        01     # VER
                        09     # CMD (unknown)
                        00 02  # LEN 2
                        aa bb  # PAYLOAD, skipped whole
                        """), new McpRequest.Unsupported(9)),
                Arguments.of("ADD_USER, PLEN overruns LEN", hex("""
                        01     # VER
                        02     # CMD ADD_USER
                        00 04  # LEN 4
                        01     # ULEN
                        61     # USERNAME "a"
                        05     # PLEN 5, only 1 byte left
                        70     # PASSWORD (cut)
                        """), new McpRequest.Malformed(McpCommand.ADD_USER, "PLEN 5 does not add up to LEN 4")),
                Arguments.of("ADD_USER, bytes after PASSWORD", hex("""
                        01     # VER
                        02     # CMD ADD_USER
                        00 05  # LEN 5
                        01     # ULEN
                        61     # USERNAME "a"
                        01     # PLEN
                        70     # PASSWORD "p"
                        ff     # one byte too many
                        """), new McpRequest.Malformed(McpCommand.ADD_USER, "PLEN 1 does not add up to LEN 5")),
                Arguments.of("ADD_USER, ULEN overruns LEN", hex("""
                        01     # VER
                        02     # CMD ADD_USER
                        00 02  # LEN 2
                        09     # ULEN 9
                        61     # USERNAME (cut)
                        """), new McpRequest.Malformed(McpCommand.ADD_USER, "ULEN 9 does not fit the payload")),
                Arguments.of("ADD_USER, zero-length name", hex("""
                        01     # VER
                        02     # CMD ADD_USER
                        00 03  # LEN 3
                        00     # ULEN 0
                        01     # PLEN
                        70     # PASSWORD
                        """), new McpRequest.Malformed(McpCommand.ADD_USER, "ULEN 0 does not fit the payload")),
                Arguments.of("ADD_USER, empty payload", hex("""
                        01     # VER
                        02     # CMD ADD_USER
                        00 00  # LEN 0
                        """), new McpRequest.Malformed(McpCommand.ADD_USER, "missing ULEN")),
                Arguments.of("REMOVE_USER, ULEN short of LEN", hex("""
                        01        # VER
                        03        # CMD REMOVE_USER
                        00 04     # LEN 4
                        02        # ULEN 2, but 3 name bytes follow
                        62 6f 62  # USERNAME
                        """), new McpRequest.Malformed(McpCommand.REMOVE_USER, "ULEN 2 does not add up to LEN 4")),
                Arguments.of("REMOVE_USER, name not UTF-8", hex("""
                        01     # VER
                        03     # CMD REMOVE_USER
                        00 02  # LEN 2
                        01     # ULEN
                        ff     # USERNAME, not UTF-8
                        """), new McpRequest.Malformed(McpCommand.REMOVE_USER, "USERNAME is not UTF-8")),
                Arguments.of("GET_METRICS with a payload", hex("""
                        01     # VER
                        00     # CMD GET_METRICS
                        00 01  # LEN 1
                        00     # unexpected payload
                        """), new McpRequest.Malformed(McpCommand.GET_METRICS, "payload must be empty")),
                Arguments.of("LIST_USERS with a payload", hex("""
                        01     # VER
                        01     # CMD LIST_USERS
                        00 01  # LEN 1
                        00     # unexpected payload
                        """), new McpRequest.Malformed(McpCommand.LIST_USERS, "payload must be empty")),
                Arguments.of("TOGGLE_DISECTOR, STATE 2", hex("""
                        01     # VER
                        04     # CMD TOGGLE_DISECTOR
                        00 01  # LEN 1
                        02     # STATE (neither 0 nor 1)
                        """), new McpRequest.Malformed(McpCommand.TOGGLE_DISECTOR,
                        "STATE must be absent or one octet 0 or 1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void decodesRequestWhole(String name, ByteString bytes, McpRequest expected) {
        assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()), McpCodec.decode(bytes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void decodesRequestSplitAtEveryOffset(String name, ByteString bytes, McpRequest expected) {
        splitAtEveryOffset(bytes, expected, McpCodec::decode);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void decodesRequestByteByByte(String name, ByteString bytes, McpRequest expected) {
        byteByByte(bytes, expected, McpCodec::decode);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void decodesRequestAndLeavesPipelinedNextAsRest(String name, ByteString bytes, McpRequest expected) {
        assertEquals(new Decoded.Ok<>(expected, NEXT), McpCodec.decode(bytes.concat(NEXT)));
    }

    static Stream<Arguments> encodableRequests() {
        return requests().filter(a -> !(a.get()[2] instanceof McpRequest.Malformed)
                && !(a.get()[2] instanceof McpRequest.Unsupported));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodableRequests")
    void encodesRequestToTheSameBytes(String name, ByteString bytes, McpRequest request) {
        assertEquals(show(bytes), show(McpCodec.encode(request)));
    }

    @Test
    void rejectsBadVersionAtItsFirstByte() {
        assertEquals(new Decoded.Invalid<>("unsupported VER 2"), McpCodec.decode(hex("02")));
        assertEquals(new Decoded.Invalid<>("unsupported VER 2"), McpCodec.decode(hex("""
                02     # VER 2
                00     # CMD
                ff ff  # LEN 65535, never waited for
                """)));
        assertEquals(new Decoded.Invalid<>("unsupported VER 5"), McpCodec.decode(hex("05 01 00")));
    }

    @Test
    void waitsForTheWholeLargestFrame() {
        ByteString header = hex("""
                01     # VER
                07     # CMD
                ff ff  # LEN 65535
                """);
        ByteString payload = ByteString.fromArrayUnsafe(new byte[McpCodec.MAX_PAYLOAD]);
        assertInstanceOf(Decoded.NeedMore.class, McpCodec.decode(header.concat(payload.drop(1))));
        assertEquals(new Decoded.Ok<>(new McpRequest.Unsupported(7), NEXT),
                McpCodec.decode(header.concat(payload).concat(NEXT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void splitsEachRequestFrameFourWays(String name, ByteString bytes, McpRequest unused) {
        assertEquals(new Decoded.Ok<>(bytes, ByteString.emptyByteString()), McpCodec.splitFrame(bytes));
        splitAtEveryOffset(bytes, bytes, McpCodec::splitFrame);
        byteByByte(bytes, bytes, McpCodec::splitFrame);
        assertEquals(new Decoded.Ok<>(bytes, NEXT), McpCodec.splitFrame(bytes.concat(NEXT)));
    }

    @Test
    void splitsNoFrameFromABadVersion() {
        assertEquals(new Decoded.Invalid<>("unsupported VER 2"), McpCodec.splitFrame(hex("02")));
        assertInstanceOf(Decoded.NeedMore.class, McpCodec.splitFrame(ByteString.emptyByteString()));
    }

    @Test
    void emptyInputNeedsMore() {
        assertInstanceOf(Decoded.NeedMore.class, McpCodec.decode(ByteString.emptyByteString()));
    }

    // ------------------------------------------------------------------------------ responses

    @Test
    void encodesEveryStatusWithEmptyPayload() {
        String[] codes = {"00", "01", "02", "03", "04", "05"};
        McpStatus[] statuses = {McpStatus.OK, McpStatus.ERROR, McpStatus.CMD_NOT_SUPPORTED,
                McpStatus.USER_NOT_FOUND, McpStatus.USER_EXISTS, McpStatus.USER_LIMIT};
        for (int i = 0; i < codes.length; i++) {
            assertEquals(show(hex("01 " + codes[i] + " 00 00")), show(McpCodec.encode(McpResponse.of(statuses[i]))),
                    statuses[i].name());
        }
    }

    @Test
    void encodesMetricsResponse() {
        ByteString payload = McpCodec.encodeMetrics(new McpMetrics(1, 2, 3, 4, 5, Long.MAX_VALUE));
        assertEquals(show(hex("""
                01                       # VER
                00                       # STATUS OK
                00 30                    # LEN 48
                00 00 00 00 00 00 00 01  # historic_connections
                00 00 00 00 00 00 00 02  # current_connections
                00 00 00 00 00 00 00 03  # bytes_transferred
                00 00 00 00 00 00 00 04  # successful_connections
                00 00 00 00 00 00 00 05  # failed_connections
                7f ff ff ff ff ff ff ff  # client_bytes
                """)), show(McpCodec.encode(new McpResponse(McpStatus.OK, payload))));
    }

    @Test
    void encodesUserListResponse() {
        assertEquals(show(hex("""
                02        # COUNT
                03        # ULEN
                62 6f 62  # USERNAME "bob"
                01        # ULEN
                78        # USERNAME "x"
                """)), show(McpCodec.encodeUserList(List.of("bob", "x"))));
        assertEquals(show(hex("00  # COUNT")), show(McpCodec.encodeUserList(List.of())));
    }

    @Test
    void encodesDissectorState() {
        assertEquals(show(hex("01  # STATE on")), show(McpCodec.encodeDissectorState(true)));
        assertEquals(show(hex("00  # STATE off")), show(McpCodec.encodeDissectorState(false)));
    }

    static Stream<Arguments> responses() {
        return Stream.of(
                Arguments.of("OK empty", hex("""
                        01     # VER
                        00     # STATUS OK
                        00 00  # LEN 0
                        """), McpResponse.of(McpStatus.OK)),
                Arguments.of("USER_LIMIT", hex("""
                        01     # VER
                        05     # STATUS USER_LIMIT
                        00 00  # LEN 0
                        """), McpResponse.of(McpStatus.USER_LIMIT)),
                Arguments.of("OK with STATE", hex("""
                        01     # VER
                        00     # STATUS OK
                        00 01  # LEN 1
                        01     # STATE on
                        """), new McpResponse(McpStatus.OK, hex("01"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void decodesResponseFourWays(String name, ByteString bytes, McpResponse expected) {
        assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()), McpCodec.decodeResponse(bytes));
        splitAtEveryOffset(bytes, expected, McpCodec::decodeResponse);
        byteByByte(bytes, expected, McpCodec::decodeResponse);
        assertEquals(new Decoded.Ok<>(expected, NEXT), McpCodec.decodeResponse(bytes.concat(NEXT)));
    }

    @Test
    void rejectsUnknownStatusAndBadVersionInResponses() {
        assertEquals(new Decoded.Invalid<>("unknown STATUS 6"), McpCodec.decodeResponse(hex("01 06 00 00")));
        assertEquals(new Decoded.Invalid<>("unsupported VER 0"), McpCodec.decodeResponse(hex("00")));
    }

    @Test
    void decodesPayloads() {
        assertEquals(new Decoded.Ok<>(List.of("bob", "x"), ByteString.emptyByteString()),
                McpCodec.decodeUserList(hex("02 03 62 6f 62 01 78")));
        assertInstanceOf(Decoded.Invalid.class, McpCodec.decodeUserList(hex("02 03 62 6f 62")), "COUNT too high");
        assertInstanceOf(Decoded.Invalid.class, McpCodec.decodeUserList(hex("01 05 62")), "ULEN overruns");
        assertInstanceOf(Decoded.Invalid.class, McpCodec.decodeUserList(hex("00 00")), "trailing byte");
        assertEquals(new Decoded.Ok<>(new McpMetrics(1, 2, 3, 4, 5, 6), ByteString.emptyByteString()),
                McpCodec.decodeMetrics(McpCodec.encodeMetrics(new McpMetrics(1, 2, 3, 4, 5, 6))));
        assertInstanceOf(Decoded.Invalid.class, McpCodec.decodeMetrics(hex("00 00")), "short metrics");
        assertEquals(new Decoded.Ok<>(false, ByteString.emptyByteString()), McpCodec.decodeDissectorState(hex("00")));
        assertInstanceOf(Decoded.Invalid.class, McpCodec.decodeDissectorState(hex("02")));
    }

    @Test
    void recordsRefuseWhatTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new McpRequest.AddUser("", "pw"));
        assertThrows(IllegalArgumentException.class, () -> new McpRequest.AddUser("a".repeat(256), "pw"));
        assertThrows(IllegalArgumentException.class, () -> new McpRequest.RemoveUser("é".repeat(128)));
        assertThrows(IllegalArgumentException.class, () -> new McpRequest.Unsupported(2));
        assertThrows(IllegalArgumentException.class,
                () -> new McpResponse(McpStatus.OK, ByteString.fromArrayUnsafe(new byte[McpCodec.MAX_PAYLOAD + 1])));
        assertThrows(IllegalArgumentException.class, () -> new McpMetrics(-1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> McpCodec.encodeUserList(java.util.Collections.nCopies(256, "a")));
    }

    @Test
    void neverLogsPasswords() {
        assertEquals("AddUser[name=bob, password=***]", new McpRequest.AddUser("bob", "secret").toString());
    }

    // ------------------------------------------------------------------------------- helpers

    static <T> void splitAtEveryOffset(ByteString bytes, T expected, Function<ByteString, Decoded<T>> decoder) {
        for (int k = 1; k < bytes.size(); k++) {
            assertInstanceOf(Decoded.NeedMore.class, decoder.apply(bytes.take(k)), "prefix of " + k + " bytes");
            assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()),
                    decoder.apply(bytes.take(k).concat(bytes.drop(k))), "split at " + k);
        }
    }

    static <T> void byteByByte(ByteString bytes, T expected, Function<ByteString, Decoded<T>> decoder) {
        ByteString buffer = ByteString.emptyByteString();
        for (int i = 0; i < bytes.size(); i++) {
            buffer = buffer.concat(bytes.slice(i, i + 1));
            Decoded<T> result = decoder.apply(buffer);
            if (i < bytes.size() - 1) {
                assertInstanceOf(Decoded.NeedMore.class, result, "after byte " + i);
            } else {
                assertEquals(new Decoded.Ok<>(expected, ByteString.emptyByteString()), result);
            }
        }
    }
}
