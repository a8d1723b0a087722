package socks5d.proxy.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static socks5d.testkit.bytes.Hex.hex;
import static socks5d.testkit.bytes.Hex.show;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import socks5d.proxy.handshake.Handshake.Action;
import socks5d.proxy.handshake.Handshake.Associate;
import socks5d.proxy.handshake.Handshake.Authenticate;
import socks5d.proxy.handshake.Handshake.AwaitInput;
import socks5d.proxy.handshake.Handshake.Bind;
import socks5d.proxy.handshake.Handshake.Close;
import socks5d.proxy.handshake.Handshake.Connect;
import socks5d.proxy.handshake.Handshake.HoldControl;
import socks5d.proxy.handshake.Handshake.Phase;
import socks5d.proxy.handshake.Handshake.Relay;
import socks5d.proxy.handshake.Handshake.Step;
import socks5d.proxy.wire.CommandCode;
import socks5d.proxy.wire.ReplyCode;
import socks5d.proxy.wire.Request;
import socks5d.proxy.wire.SocksAddress;
import socks5d.proxy.wire.UserPassRequest;

/**
 * Tests of {@link Handshake}, the pure SOCKS5 negotiation (RFC 1928 §3-§6, RFC 1929 §2,
 * docs/protocols/socks5.md), fed with literal client bytes; every output is checked byte for byte.
 */
final class HandshakeTest {

    /** Greeting offering only 0x02. */
    static final ByteString GREETING_USERPASS = hex("05 01 02");
    /** RFC 1929 §2: VER 1, ULEN 5 "alice", PLEN 6 "secret". */
    static final ByteString AUTH_ALICE = hex("""
            01                # VER
            05 61 6c 69 63 65 # ULEN, UNAME "alice"
            06 73 65 63 72 65 74 # PLEN, PASSWD "secret"
            """);
    /** RFC 1928 §4: CONNECT 192.0.2.1:80. */
    static final ByteString CONNECT_V4 = hex("""
            05          # VER
            01          # CMD CONNECT
            00          # RSV
            01          # ATYP IPv4
            c0 00 02 01 # DST.ADDR 192.0.2.1
            00 50       # DST.PORT 80
            """);
    static final ByteString FAILURE_ZERO_ADDR_TAIL = hex("00 01 00 00 00 00 00 00");
    static final InetSocketAddress BOUND_V4 = socket("203.0.113.7", 0x1234);

    static InetSocketAddress socket(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port); // literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static void assertBytes(ByteString expected, ByteString actual) {
        assertEquals(show(expected), show(actual));
    }

    static void assertStep(ByteString output, Class<? extends Action> action, Step step) {
        assertBytes(output, step.output());
        assertInstanceOf(action, step.action());
    }

    /** The 10-byte failure reply for {@code code}: BND.ADDR 0.0.0.0, BND.PORT 0. */
    static ByteString failureReply(int code) {
        return ByteString.fromArray(new byte[] {5, (byte) code}).concat(FAILURE_ZERO_ADDR_TAIL);
    }

    /** A handshake with auth on, advanced through greeting and successful authentication. */
    static Handshake authenticated() {
        Handshake h = new Handshake(true);
        assertStep(hex("05 02"), AwaitInput.class, h.onInput(GREETING_USERPASS));
        assertStep(ByteString.emptyByteString(), Authenticate.class, h.onInput(AUTH_ALICE));
        assertStep(hex("01 00"), AwaitInput.class, h.onAuthenticated("alice"));
        return h;
    }

    @Nested
    class MethodSelection {
        @Test
        void choosesUserPassWhenAuthRequired() {
            Handshake h = new Handshake(true);
            Step s = h.onInput(hex("05 02 00 02"));
            assertStep(hex("05 02"), AwaitInput.class, s);
            assertEquals(Phase.AUTH, h.phase());
        }

        @Test
        void refusesNoAuthWhenAuthRequired() {
            Handshake h = new Handshake(true);
            Step s = h.onInput(hex("05 01 00"));
            assertStep(hex("05 ff"), Close.class, s);
            assertEquals(Phase.CLOSED, h.phase());
            assertNull(h.replyCode(), "no RFC 1928 §6 reply was sent");
        }

        @Test
        void choosesNoAuthWhenAuthOffAndOffered() {
            Handshake h = new Handshake(false);
            Step s = h.onInput(hex("05 02 02 00"));
            assertStep(hex("05 00"), AwaitInput.class, s);
            assertEquals(Phase.REQUEST, h.phase());
        }

        @Test
        void choosesUserPassWhenAuthOffButOnlyUserPassOffered() {
            Handshake h = new Handshake(false);
            Step s = h.onInput(hex("05 01 02"));
            assertStep(hex("05 02"), AwaitInput.class, s);
            assertEquals(Phase.AUTH, h.phase());
        }

        @ParameterizedTest
        @ValueSource(strings = {"05 00", "05 01 01", "05 02 01 80", "05 03 03 fe ff"})
        void repliesNoAcceptableMethodsAndClosesWhenNothingFits(String greeting) {
            for (boolean authRequired : new boolean[] {true, false}) {
                Handshake h = new Handshake(authRequired);
                Step s = h.onInput(hex(greeting));
                assertStep(hex("05 ff"), Close.class, s);
                assertEquals(Phase.CLOSED, h.phase());
            }
        }

        @Test
        void closesWithoutOutputOnBadGreetingVersion() {
            Handshake h = new Handshake(true);
            Step s = h.onInput(hex("04 01 00"));
            assertStep(ByteString.emptyByteString(), Close.class, s);
            assertEquals(Phase.CLOSED, h.phase());
        }

        @Test
        void waitsForTheWholeGreeting() {
            Handshake h = new Handshake(true);
            assertStep(ByteString.emptyByteString(), AwaitInput.class, h.onInput(hex("05")));
            assertStep(ByteString.emptyByteString(), AwaitInput.class, h.onInput(hex("02 00")));
            assertStep(hex("05 02"), AwaitInput.class, h.onInput(hex("02")));
        }
    }

    @Nested
    class Authentication {
        @Test
        void asksToAuthenticateTheCredentialsSent() {
            Handshake h = new Handshake(true);
            h.onInput(GREETING_USERPASS);
            Step s = h.onInput(AUTH_ALICE);
            assertBytes(ByteString.emptyByteString(), s.output());
            Authenticate a = assertInstanceOf(Authenticate.class, s.action());
            assertEquals(new UserPassRequest("alice", "secret"), a.credentials());
            assertEquals(Phase.AUTHENTICATING, h.phase());
            assertFalse(h.authenticated());
            assertNull(h.user());
        }

        @Test
        void repliesSuccessThenConnectsOnRequest() {
            Handshake h = authenticated();
            assertTrue(h.authenticated());
            assertEquals("alice", h.user());
            assertEquals(Phase.REQUEST, h.phase());
            Step s = h.onInput(CONNECT_V4);
            assertBytes(ByteString.emptyByteString(), s.output());
            Connect c = assertInstanceOf(Connect.class, s.action());
            assertEquals(CommandCode.CONNECT, c.request().command());
            assertEquals(h.request(), c.request());
        }

        @Test
        void repliesFailureAndClosesWhenCredentialsAreWrong() {
            Handshake h = new Handshake(true);
            h.onInput(GREETING_USERPASS);
            h.onInput(AUTH_ALICE);
            Step s = h.onAuthenticationFailed();
            // RFC 1929 §2: VER 1, STATUS non-zero, then the server MUST close.
            assertStep(hex("01 01"), Close.class, s);
            assertEquals(Phase.CLOSED, h.phase());
            assertFalse(h.authenticated());
            assertNull(h.user());
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "01 00",                 // ULEN 0
            "01 01 61 00",           // PLEN 0
            "02 01 61 01 62",        // VER 2
        })
        void repliesFailureAndClosesOnInvalidSubnegotiation(String auth) {
            Handshake h = new Handshake(true);
            h.onInput(GREETING_USERPASS);
            Step s = h.onInput(hex(auth));
            assertStep(hex("01 01"), Close.class, s);
            assertEquals(Phase.CLOSED, h.phase());
        }

        @Test
        void authenticatesWhenAuthOffAndClientOnlyOffersUserPass() {
            Handshake h = new Handshake(false);
            assertStep(hex("05 02"), AwaitInput.class, h.onInput(hex("05 01 02")));
            assertStep(ByteString.emptyByteString(), Authenticate.class, h.onInput(AUTH_ALICE));
            assertStep(hex("01 00"), AwaitInput.class, h.onAuthenticated("alice"));
            assertEquals("alice", h.user());
        }
    }

    @Nested
    class Requests {
        Handshake noAuth() {
            Handshake h = new Handshake(false);
            h.onInput(hex("05 01 00"));
            return h;
        }

        @Test
        void connectsToIpv4() throws Exception {
            Handshake h = noAuth();
            Connect c = assertInstanceOf(Connect.class, h.onInput(CONNECT_V4).action());
            assertEquals(new Request(CommandCode.CONNECT,
                    new SocksAddress.Ipv4((java.net.Inet4Address) InetAddress.getByName("192.0.2.1")), 80), c.request());
            assertEquals(Phase.CONNECTING, h.phase());
            assertFalse(h.authenticated());
            assertNull(h.user());
        }

        @Test
        void connectsToIpv6() throws Exception {
            Handshake h = noAuth();
            Step s = h.onInput(hex("""
                    05 01 00 04                                     # VER CMD RSV ATYP=IPv6
                    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 # DST.ADDR 2001:db8::1
                    01 bb                                           # DST.PORT 443
                    """));
            Connect c = assertInstanceOf(Connect.class, s.action());
            assertEquals(new Request(CommandCode.CONNECT,
                    new SocksAddress.Ipv6((java.net.Inet6Address) InetAddress.getByName("2001:db8::1")), 443), c.request());
        }

        @Test
        void connectsToDomainName() {
            Handshake h = noAuth();
            Step s = h.onInput(hex("""
                    05 01 00 03                         # VER CMD RSV ATYP=DOMAINNAME
                    0b 65 78 61 6d 70 6c 65 2e 63 6f 6d # len 11, "example.com"
                    00 50                               # DST.PORT 80
                    """));
            Connect c = assertInstanceOf(Connect.class, s.action());
            assertEquals(new Request(CommandCode.CONNECT, new SocksAddress.DomainName("example.com"), 80), c.request());
            assertEquals(c.request(), h.request());
        }

        @ParameterizedTest
        @ValueSource(ints = {0x00, 0x04, 0xff})
        void repliesCommandNotSupportedToUnknownCommands(int cmd) {
            Handshake h = noAuth();
            ByteString request = ByteString.fromArray(new byte[] {5, (byte) cmd}).concat(hex("00 01 c0 00 02 01 00 50"));
            Step s = h.onInput(request);
            assertStep(hex("05 07 00 01 00 00 00 00 00 00"), Close.class, s);
            assertEquals(ReplyCode.COMMAND_NOT_SUPPORTED, h.replyCode());
            assertEquals(Phase.CLOSED, h.phase());
            assertEquals(cmd, h.request().commandCode());
        }

        @Test
        void repliesAddressTypeNotSupportedToUnknownAtyp() {
            Handshake h = noAuth();
            Step s = h.onInput(hex("05 01 00 05 01 02 03 04 00 50"));
            assertStep(failureReply(0x08), Close.class, s);
            assertEquals(ReplyCode.ADDRESS_TYPE_NOT_SUPPORTED, h.replyCode());
        }

        @Test
        void repliesGeneralFailureToBadRequestVersion() {
            Handshake h = noAuth();
            Step s = h.onInput(hex("04 01 00 01 c0 00 02 01 00 50"));
            assertStep(failureReply(0x01), Close.class, s);
            assertEquals(ReplyCode.GENERAL_FAILURE, h.replyCode());
        }

        @Test
        void repliesGeneralFailureToZeroLengthDomainName() {
            Handshake h = noAuth();
            Step s = h.onInput(hex("05 01 00 03 00 00 50"));
            assertStep(failureReply(0x01), Close.class, s);
            assertEquals(ReplyCode.GENERAL_FAILURE, h.replyCode());
        }

        @Test
        void noReplyCodeBeforeAReply() {
            Handshake h = noAuth();
            assertNull(h.request());
            h.onInput(CONNECT_V4);
            assertNull(h.replyCode());
        }
    }

    @Nested
    class ConnectResults {
        Handshake connecting() {
            Handshake h = authenticated();
            assertInstanceOf(Connect.class, h.onInput(CONNECT_V4).action());
            return h;
        }

        @Test
        void repliesSuccessWithBoundIpv4AddressAndPort() {
            Handshake h = connecting();
            Step s = h.onConnected(BOUND_V4);
            assertBytes(hex("""
                    05 00 00 01 # VER REP=succeeded RSV ATYP=IPv4
                    cb 00 71 07 # BND.ADDR 203.0.113.7
                    12 34       # BND.PORT
                    """), s.output());
            Relay r = assertInstanceOf(Relay.class, s.action());
            assertTrue(r.pipelined().isEmpty());
            assertEquals(ReplyCode.SUCCEEDED, h.replyCode());
            assertEquals(Phase.ESTABLISHED, h.phase());
        }

        @Test
        void repliesSuccessWithBoundIpv6AddressAndPort() {
            Handshake h = connecting();
            Step s = h.onConnected(socket("2001:db8::2", 65535));
            assertBytes(hex("""
                    05 00 00 04                                     # VER REP RSV ATYP=IPv6
                    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 # BND.ADDR 2001:db8::2
                    ff ff                                           # BND.PORT 65535
                    """), s.output());
            assertInstanceOf(Relay.class, s.action());
        }

        @Test
        void relaysBytesThatArrivedWhileConnecting() {
            Handshake h = connecting();
            assertStep(ByteString.emptyByteString(), AwaitInput.class, h.onInput(hex("47 45")));
            assertStep(ByteString.emptyByteString(), AwaitInput.class, h.onInput(hex("54 20")));
            Relay r = assertInstanceOf(Relay.class, h.onConnected(BOUND_V4).action());
            assertBytes(hex("47 45 54 20"), r.pipelined());
        }

        @ParameterizedTest
        @EnumSource(value = ReplyCode.class, names = "SUCCEEDED", mode = EnumSource.Mode.EXCLUDE)
        void repliesEachFailureCodeAndCloses(ReplyCode code) {
            Handshake h = connecting();
            h.onInput(hex("47 45 54")); // pipelined payload is dropped with the connection
            Step s = h.onConnectFailed(code);
            assertStep(failureReply(code.code()), Close.class, s);
            assertEquals(code, h.replyCode());
            assertEquals(Phase.CLOSED, h.phase());
        }

        @Test
        void rejectsSucceededAsAFailure() {
            Handshake h = connecting();
            assertThrows(IllegalArgumentException.class, () -> h.onConnectFailed(ReplyCode.SUCCEEDED));
        }
    }

    @Nested
    class Pipelining {
        final ByteString payload = hex("47 45 54 20 2f 0d 0a");
        final ByteString everything = GREETING_USERPASS.concat(AUTH_ALICE).concat(CONNECT_V4).concat(payload);

        @Test
        void handlesTheWholeHandshakeAndPayloadInOneWrite() {
            Handshake h = new Handshake(true);
            Step s1 = h.onInput(everything);
            assertBytes(hex("05 02"), s1.output());
            Authenticate a = assertInstanceOf(Authenticate.class, s1.action());
            assertEquals("alice", a.credentials().username());

            Step s2 = h.onAuthenticated("alice");
            assertBytes(hex("01 00"), s2.output());
            Connect c = assertInstanceOf(Connect.class, s2.action());
            assertEquals(80, c.request().port());

            Step s3 = h.onConnected(BOUND_V4);
            assertBytes(hex("05 00 00 01 cb 00 71 07 12 34"), s3.output());
            assertBytes(payload, assertInstanceOf(Relay.class, s3.action()).pipelined());
        }

        @Test
        void handlesGreetingRequestAndPayloadInOneWriteWithoutAuth() {
            Handshake h = new Handshake(false);
            Step s1 = h.onInput(hex("05 01 00").concat(CONNECT_V4).concat(payload));
            assertStep(hex("05 00"), Connect.class, s1);
            Step s2 = h.onConnected(BOUND_V4);
            assertBytes(payload, assertInstanceOf(Relay.class, s2.action()).pipelined());
        }

        @Test
        void handlesTheSameBytesFedOneAtATime() {
            int authEnd = GREETING_USERPASS.size() + AUTH_ALICE.size();
            int requestEnd = authEnd + CONNECT_V4.size();
            Handshake h = new Handshake(true);
            ByteString out = ByteString.emptyByteString();
            for (int i = 0; i < everything.size(); i++) {
                Step s = h.onInput(everything.slice(i, i + 1));
                out = out.concat(s.output());
                if (i == authEnd - 1) {
                    assertInstanceOf(Authenticate.class, s.action(), "at byte " + i);
                    Step auth = h.onAuthenticated("alice");
                    assertInstanceOf(AwaitInput.class, auth.action());
                    out = out.concat(auth.output());
                } else if (i == requestEnd - 1) {
                    assertInstanceOf(Connect.class, s.action(), "at byte " + i);
                } else {
                    assertInstanceOf(AwaitInput.class, s.action(), "at byte " + i);
                }
            }
            Step done = h.onConnected(BOUND_V4);
            out = out.concat(done.output());
            assertBytes(hex("05 02  01 00  05 00 00 01 cb 00 71 07 12 34"), out);
            assertBytes(payload, assertInstanceOf(Relay.class, done.action()).pipelined());
        }

        @Test
        void handlesEverySplitIntoTwoWrites() {
            for (int cut = 0; cut <= everything.size(); cut++) {
                Handshake h = new Handshake(true);
                ByteString out = ByteString.emptyByteString();
                Step s = h.onInput(everything.take(cut));
                out = out.concat(s.output());
                if (!(s.action() instanceof Authenticate)) {
                    assertInstanceOf(AwaitInput.class, s.action(), "cut " + cut);
                    s = h.onInput(everything.drop(cut));
                    out = out.concat(s.output());
                    assertInstanceOf(Authenticate.class, s.action(), "cut " + cut);
                    s = h.onAuthenticated("alice");
                } else {
                    // The second write arrives while authentication runs.
                    assertInstanceOf(AwaitInput.class, h.onInput(everything.drop(cut)).action(), "cut " + cut);
                    s = h.onAuthenticated("alice");
                }
                out = out.concat(s.output());
                assertInstanceOf(Connect.class, s.action(), "cut " + cut);
                s = h.onConnected(BOUND_V4);
                out = out.concat(s.output());
                assertBytes(hex("05 02  01 00  05 00 00 01 cb 00 71 07 12 34"), out);
                assertBytes(payload, assertInstanceOf(Relay.class, s.action()).pipelined());
            }
        }
    }

    /** RFC 1928 §6 BIND: two replies, then the relay. */
    @Nested
    class BindRequests {
        /** RFC 1928 §4: BIND, expecting a connection from 192.0.2.1, port 21 (the primary connection's). */
        final ByteString bindV4 = hex("""
                05          # VER
                02          # CMD BIND
                00          # RSV
                01          # ATYP IPv4
                c0 00 02 01 # DST.ADDR 192.0.2.1
                00 15       # DST.PORT 21
                """);
        final ByteString payload = hex("50 4f 52 54 0d 0a");

        Handshake binding() {
            Handshake h = authenticated();
            Bind b = assertInstanceOf(Bind.class, h.onInput(bindV4).action());
            assertEquals(CommandCode.BIND, b.request().command());
            assertEquals(21, b.request().port());
            assertEquals(Phase.BINDING, h.phase());
            return h;
        }

        @Test
        void sendsFirstReplyWithTheListeningAddressAndKeepsWaiting() {
            Handshake h = binding();
            Step s = h.onListening(BOUND_V4);
            assertStep(hex("""
                    05 00 00 01 # VER REP=succeeded RSV ATYP=IPv4
                    cb 00 71 07 # BND.ADDR 203.0.113.7, the listening socket
                    12 34       # BND.PORT
                    """), AwaitInput.class, s);
            assertEquals(Phase.BINDING, h.phase());
            assertEquals(ReplyCode.SUCCEEDED, h.replyCode());
        }

        @Test
        void sendsSecondReplyWithThePeerAddressThenRelays() {
            Handshake h = binding();
            h.onListening(BOUND_V4);
            Step s = h.onPeerConnected(socket("2001:db8::5", 0x0815));
            assertBytes(hex("""
                    05 00 00 04                                     # VER REP=succeeded RSV ATYP=IPv6
                    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 05 # BND.ADDR 2001:db8::5, the peer
                    08 15                                           # BND.PORT, the peer's port
                    """), s.output());
            assertTrue(assertInstanceOf(Relay.class, s.action()).pipelined().isEmpty());
            assertEquals(Phase.ESTABLISHED, h.phase());
        }

        @Test
        void relaysBytesPipelinedBeforeAndAfterTheFirstReplyToThePeer() {
            Handshake h = new Handshake(false);
            Step s = h.onInput(hex("05 01 00").concat(bindV4).concat(payload.take(2)));
            assertStep(hex("05 00"), Bind.class, s);
            h.onListening(BOUND_V4);
            assertStep(ByteString.emptyByteString(), AwaitInput.class, h.onInput(payload.drop(2)));
            assertEquals(payload.size(), h.buffered());
            Step done = h.onPeerConnected(socket("192.0.2.1", 40000));
            assertBytes(hex("05 00 00 01 c0 00 02 01 9c 40"), done.output());
            assertBytes(payload, assertInstanceOf(Relay.class, done.action()).pipelined());
        }

        @Test
        void handlesBindFedOneByteAtATime() {
            Handshake h = new Handshake(false);
            h.onInput(hex("05 01 00"));
            for (int i = 0; i < bindV4.size() - 1; i++) {
                assertInstanceOf(AwaitInput.class, h.onInput(bindV4.slice(i, i + 1)).action(), "at byte " + i);
            }
            assertInstanceOf(Bind.class, h.onInput(bindV4.drop(bindV4.size() - 1)).action());
        }

        @Test
        void repliesFailureWhenTheListenerCannotOpen() {
            Handshake h = binding();
            assertStep(failureReply(0x02), Close.class, h.onConnectFailed(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET));
            assertEquals(ReplyCode.CONNECTION_NOT_ALLOWED_BY_RULESET, h.replyCode());
            assertEquals(Phase.CLOSED, h.phase());
        }

        @Test
        void repliesFailureAsSecondReplyWhenNoPeerCame() {
            Handshake h = binding();
            h.onListening(BOUND_V4);
            assertStep(failureReply(0x06), Close.class, h.onConnectFailed(ReplyCode.TTL_EXPIRED));
            assertEquals(ReplyCode.TTL_EXPIRED, h.replyCode());
        }

        @Test
        void refusesResultsOutOfOrder() {
            Handshake h = binding();
            assertThrows(IllegalStateException.class, () -> h.onPeerConnected(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onConnected(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onAssociated(BOUND_V4));
            h.onListening(BOUND_V4);
            assertThrows(IllegalStateException.class, () -> h.onListening(BOUND_V4));
        }
    }

    /** RFC 1928 §7 UDP ASSOCIATE: one reply, then the control connection is only held. */
    @Nested
    class UdpAssociateRequests {
        /** RFC 1928 §4: UDP ASSOCIATE, the client will send from 0.0.0.0 port 0 (not known yet). */
        final ByteString associateAnywhere = hex("""
                05          # VER
                03          # CMD UDP ASSOCIATE
                00          # RSV
                01          # ATYP IPv4
                00 00 00 00 # DST.ADDR 0.0.0.0
                00 00       # DST.PORT 0
                """);

        @Test
        void repliesWithTheRelayAddressThenHoldsTheControlConnection() {
            Handshake h = authenticated();
            Associate a = assertInstanceOf(Associate.class, h.onInput(associateAnywhere).action());
            assertEquals(CommandCode.UDP_ASSOCIATE, a.request().command());
            assertEquals(Phase.ASSOCIATING, h.phase());
            Step s = h.onAssociated(BOUND_V4);
            assertStep(hex("""
                    05 00 00 01 # VER REP=succeeded RSV ATYP=IPv4
                    cb 00 71 07 # BND.ADDR 203.0.113.7, the relay socket
                    12 34       # BND.PORT
                    """), HoldControl.class, s);
            assertEquals(Phase.ASSOCIATED, h.phase());
            assertEquals(ReplyCode.SUCCEEDED, h.replyCode());
        }

        @Test
        void discardsBytesPipelinedAfterTheRequestAndSentLater() {
            Handshake h = new Handshake(false);
            Step s = h.onInput(hex("05 01 00").concat(associateAnywhere).concat(hex("de ad")));
            assertStep(hex("05 00"), Associate.class, s);
            assertStep(hex("05 00 00 01 cb 00 71 07 12 34"), HoldControl.class, h.onAssociated(BOUND_V4));
            assertEquals(0, h.buffered());
            assertStep(ByteString.emptyByteString(), HoldControl.class, h.onInput(hex("05 01 00 01 7f 00 00 01 00 50")));
            assertEquals(0, h.buffered());
            assertEquals(Phase.ASSOCIATED, h.phase());
        }

        @Test
        void repliesWithAnIpv6RelayAddress() {
            Handshake h = authenticated();
            h.onInput(associateAnywhere);
            assertBytes(hex("""
                    05 00 00 04                                     # VER REP RSV ATYP=IPv6
                    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 # BND.ADDR ::1
                    c3 50                                           # BND.PORT 50000
                    """), h.onAssociated(socket("::1", 50000)).output());
        }

        @Test
        void repliesGeneralFailureWhenNoAssociationIsLeft() {
            Handshake h = authenticated();
            h.onInput(associateAnywhere);
            assertStep(failureReply(0x01), Close.class, h.onConnectFailed(ReplyCode.GENERAL_FAILURE));
            assertEquals(ReplyCode.GENERAL_FAILURE, h.replyCode());
            assertEquals(Phase.CLOSED, h.phase());
        }

        @Test
        void refusesResultsOutOfOrder() {
            Handshake h = authenticated();
            h.onInput(associateAnywhere);
            assertThrows(IllegalStateException.class, () -> h.onListening(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onConnected(BOUND_V4));
            h.onAssociated(BOUND_V4);
            assertThrows(IllegalStateException.class, () -> h.onAssociated(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onConnectFailed(ReplyCode.GENERAL_FAILURE));
        }
    }

    @Nested
    class IllegalCalls {
        @Test
        void resultsBeforeTheyWereAskedFor() {
            Handshake h = new Handshake(true);
            assertThrows(IllegalStateException.class, () -> h.onAuthenticated("alice"));
            assertThrows(IllegalStateException.class, h::onAuthenticationFailed);
            assertThrows(IllegalStateException.class, () -> h.onConnected(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onConnectFailed(ReplyCode.HOST_UNREACHABLE));
            assertEquals(Phase.GREETING, h.phase());
        }

        @Test
        void connectResultsWhileAuthenticating() {
            Handshake h = new Handshake(true);
            h.onInput(GREETING_USERPASS.concat(AUTH_ALICE));
            assertThrows(IllegalStateException.class, () -> h.onConnected(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onConnectFailed(ReplyCode.GENERAL_FAILURE));
        }

        @Test
        void authResultsWhileConnecting() {
            Handshake h = authenticated();
            h.onInput(CONNECT_V4);
            assertThrows(IllegalStateException.class, () -> h.onAuthenticated("bob"));
            assertThrows(IllegalStateException.class, h::onAuthenticationFailed);
            assertEquals("alice", h.user());
        }

        @Test
        void inputOrResultsAfterClose() {
            Handshake h = new Handshake(true);
            h.onInput(hex("05 01 00"));
            assertThrows(IllegalStateException.class, () -> h.onInput(hex("05")));
            assertThrows(IllegalStateException.class, () -> h.onConnected(BOUND_V4));
        }

        @Test
        void inputOnceEstablished() {
            Handshake h = authenticated();
            h.onInput(CONNECT_V4);
            h.onConnected(BOUND_V4);
            assertThrows(IllegalStateException.class, () -> h.onInput(hex("00")));
            assertThrows(IllegalStateException.class, () -> h.onConnected(BOUND_V4));
            assertThrows(IllegalStateException.class, () -> h.onConnectFailed(ReplyCode.GENERAL_FAILURE));
        }
    }
}
