package socks5d.testkit.dns;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The slice of the DNS wire format (RFC 1035 §4.1) that {@link LoopbackDnsServer} needs: decoding a query's
 * header and single question, encoding an answer with A/AAAA records, and, for tests, encoding a query and
 * decoding an answer.
 *
 * <p>Header (RFC 1035 §4.1.1), 12 bytes: {@code ID(16) | QR(1) OPCODE(4) AA(1) TC(1) RD(1) RA(1) Z(3)
 * RCODE(4) | QDCOUNT(16) ANCOUNT(16) NSCOUNT(16) ARCOUNT(16)}; question (§4.1.2): {@code QNAME QTYPE(16)
 * QCLASS(16)}; resource record (§4.1.3): {@code NAME TYPE(16) CLASS(16) TTL(32) RDLENGTH(16) RDATA}.
 *
 * <p>Pure and thread-safe.
 */
public final class DnsCodec {
    /** TYPE A (RFC 1035 §3.2.2). */
    public static final int TYPE_A = 1;
    /** TYPE AAAA (RFC 3596 §2.1). */
    public static final int TYPE_AAAA = 28;
    /** QTYPE * (all records). */
    public static final int TYPE_ANY = 255;
    /** CLASS IN. */
    public static final int CLASS_IN = 1;
    /** RCODE: no error. */
    public static final int RCODE_NOERROR = 0;
    /** RCODE: format error. */
    public static final int RCODE_FORMERR = 1;
    /** RCODE: name error (NXDOMAIN). */
    public static final int RCODE_NXDOMAIN = 3;
    /** RCODE: not implemented. */
    public static final int RCODE_NOTIMP = 4;
    /** Largest UDP answer without EDNS (RFC 1035 §4.2.1); bigger ones are sent truncated. */
    public static final int MAX_UDP_SIZE = 512;
    /** Size of the fixed header. */
    public static final int HEADER_SIZE = 12;

    private static final int FLAG_QR = 0x8000;
    private static final int OPCODE_SHIFT = 11;
    private static final int OPCODE_MASK = 0xF;
    private static final int FLAG_AA = 0x0400;
    private static final int FLAG_TC = 0x0200;
    private static final int FLAG_RD = 0x0100;
    private static final int FLAG_RA = 0x0080;
    private static final int RCODE_MASK = 0xF;
    private static final int LABEL_POINTER = 0xC0;
    private static final int POINTER_OFFSET_MASK = 0x3FFF;
    private static final int MAX_LABEL = 63;
    private static final int MAX_POINTERS = 16;
    /** A name pointer to offset 12, where the (single) question's QNAME starts. */
    private static final int POINTER_TO_QUESTION = 0xC000 | HEADER_SIZE;
    private static final int UNSIGNED_SHORT = 0xFFFF;
    private static final int UNSIGNED_BYTE = 0xFF;

    private DnsCodec() {
    }

    /** A decoded query: header fields, the lower-cased name without trailing dot, and the raw question. */
    public record Query(int id, int opcode, boolean recursionDesired, String name, int type, int qclass,
                        byte[] question) {
    }

    /** One answer record as decoded by {@link #decodeResponse}. */
    public record Answer(String name, int type, long ttl, InetAddress address) {
    }

    /** A decoded answer message (tests only). */
    public record Response(int id, boolean truncated, boolean authoritative, int rcode, String questionName,
                           int questionType, List<Answer> answers) {
        /** The answers' addresses in order. */
        public List<InetAddress> addresses() {
            return answers.stream().map(Answer::address).toList();
        }
    }

    /** The OPCODE of a message whose header is complete, or -1. */
    public static int opcode(byte[] msg, int length) {
        if (length < HEADER_SIZE) {
            return -1;
        }
        return (((msg[2] & UNSIGNED_BYTE) << 8) >>> OPCODE_SHIFT) & OPCODE_MASK;
    }

    /**
     * Decodes a query with exactly one question.
     *
     * @throws IllegalArgumentException with the reason when the message is malformed
     */
    public static Query decodeQuery(byte[] msg, int length) {
        try {
            ByteBuffer in = ByteBuffer.wrap(msg, 0, length);
            int id = in.getShort() & UNSIGNED_SHORT;
            int flags = in.getShort() & UNSIGNED_SHORT;
            int qdcount = in.getShort() & UNSIGNED_SHORT;
            in.position(HEADER_SIZE);
            if ((flags & FLAG_QR) != 0) {
                throw new IllegalArgumentException("QR set: not a query");
            }
            if (qdcount != 1) {
                throw new IllegalArgumentException("QDCOUNT " + qdcount);
            }
            int start = in.position();
            String name = readName(in, msg, length);
            int type = in.getShort() & UNSIGNED_SHORT;
            int qclass = in.getShort() & UNSIGNED_SHORT;
            byte[] question = new byte[in.position() - start];
            System.arraycopy(msg, start, question, 0, question.length);
            return new Query(id, (flags >>> OPCODE_SHIFT) & OPCODE_MASK, (flags & FLAG_RD) != 0, name, type,
                    qclass, question);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated message");
        }
    }

    /** Reads a name at the buffer's position, following compression pointers (RFC 1035 §4.1.4). */
    private static String readName(ByteBuffer in, byte[] msg, int length) {
        StringBuilder name = new StringBuilder();
        int pos = in.position();
        int resumeAt = -1;
        int pointers = 0;
        while (true) {
            if (pos >= length) {
                throw new IllegalArgumentException("name runs past the message");
            }
            int len = msg[pos] & UNSIGNED_BYTE;
            if ((len & LABEL_POINTER) == LABEL_POINTER) {
                if (++pointers > MAX_POINTERS || pos + 1 >= length) {
                    throw new IllegalArgumentException("bad compression pointer");
                }
                if (resumeAt < 0) {
                    resumeAt = pos + 2;
                }
                pos = (((len << 8) | (msg[pos + 1] & UNSIGNED_BYTE)) & POINTER_OFFSET_MASK);
                continue;
            }
            if (len > MAX_LABEL) {
                throw new IllegalArgumentException("label length " + len);
            }
            pos++;
            if (len == 0) {
                break;
            }
            if (pos + len > length) {
                throw new IllegalArgumentException("label runs past the message");
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(msg, pos, len, StandardCharsets.ISO_8859_1));
            pos += len;
        }
        in.position(resumeAt >= 0 ? resumeAt : pos);
        return name.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Encodes the answer to {@code q}: the question echoed, one record per address (A for IPv4, AAAA for
     * IPv6, each named by a pointer to the question), authoritative. With {@code truncated} the records are
     * left out and TC is set, telling the client to ask again over TCP (RFC 1035 §4.2.1).
     */
    public static byte[] encodeResponse(Query q, int rcode, List<InetAddress> addresses, int ttl, boolean truncated) {
        List<InetAddress> records = truncated ? List.of() : addresses;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int flags = FLAG_QR | (q.opcode() << OPCODE_SHIFT) | FLAG_AA | (truncated ? FLAG_TC : 0)
                | (q.recursionDesired() ? FLAG_RD : 0) | FLAG_RA | (rcode & RCODE_MASK);
        writeShort(out, q.id());
        writeShort(out, flags);
        writeShort(out, 1); // QDCOUNT
        writeShort(out, records.size()); // ANCOUNT
        writeShort(out, 0); // NSCOUNT
        writeShort(out, 0); // ARCOUNT
        out.writeBytes(q.question());
        for (InetAddress a : records) {
            writeShort(out, POINTER_TO_QUESTION);
            writeShort(out, a instanceof Inet4Address ? TYPE_A : TYPE_AAAA);
            writeShort(out, CLASS_IN);
            writeInt(out, ttl);
            byte[] raw = a.getAddress();
            writeShort(out, raw.length);
            out.writeBytes(raw);
        }
        return out.toByteArray();
    }

    /** A header-only error answer (e.g. FORMERR) for a message whose ID could be read. */
    public static byte[] encodeError(int id, int opcode, int rcode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeShort(out, id);
        writeShort(out, FLAG_QR | (opcode << OPCODE_SHIFT) | (rcode & RCODE_MASK));
        for (int i = 0; i < 4; i++) {
            writeShort(out, 0);
        }
        return out.toByteArray();
    }

    /** Encodes a recursive query for {@code name}, type {@code type}, class IN (tests only). */
    public static byte[] encodeQuery(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeShort(out, id);
        writeShort(out, FLAG_RD);
        writeShort(out, 1);
        writeShort(out, 0);
        writeShort(out, 0);
        writeShort(out, 0);
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        out.write(0);
        writeShort(out, type);
        writeShort(out, CLASS_IN);
        return out.toByteArray();
    }

    /** Decodes an answer with A/AAAA records (other record types come back with a null address). */
    public static Response decodeResponse(byte[] msg, int length) {
        ByteBuffer in = ByteBuffer.wrap(msg, 0, length);
        int id = in.getShort() & UNSIGNED_SHORT;
        int flags = in.getShort() & UNSIGNED_SHORT;
        int qd = in.getShort() & UNSIGNED_SHORT;
        int an = in.getShort() & UNSIGNED_SHORT;
        in.position(HEADER_SIZE);
        String qname = null;
        int qtype = -1;
        for (int i = 0; i < qd; i++) {
            qname = readName(in, msg, length);
            qtype = in.getShort() & UNSIGNED_SHORT;
            in.getShort();
        }
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < an; i++) {
            String name = readName(in, msg, length);
            int type = in.getShort() & UNSIGNED_SHORT;
            in.getShort();
            long ttl = in.getInt() & 0xFFFF_FFFFL;
            byte[] rdata = new byte[in.getShort() & UNSIGNED_SHORT];
            in.get(rdata);
            InetAddress address = null;
            if (type == TYPE_A || type == TYPE_AAAA) {
                try {
                    address = InetAddress.getByAddress(rdata);
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("bad RDATA length " + rdata.length);
                }
            }
            answers.add(new Answer(name, type, ttl, address));
        }
        return new Response(id, (flags & FLAG_TC) != 0, (flags & FLAG_AA) != 0, flags & RCODE_MASK, qname, qtype,
                List.copyOf(answers));
    }

    /** Whether {@code a} is answered for QTYPE {@code type}. */
    static boolean matches(InetAddress a, int type) {
        return type == TYPE_ANY
                || (type == TYPE_A && a instanceof Inet4Address)
                || (type == TYPE_AAAA && a instanceof Inet6Address);
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write((v >>> 8) & UNSIGNED_BYTE);
        out.write(v & UNSIGNED_BYTE);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        writeShort(out, (v >>> 16) & UNSIGNED_SHORT);
        writeShort(out, v & UNSIGNED_SHORT);
    }
}
