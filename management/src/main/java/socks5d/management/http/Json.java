package socks5d.management.http;

/** The few JSON pieces the admin endpoint writes; strings escaped per RFC 8259. Stateless. */
final class Json {
    private Json() {
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // Also < > & so that a value never closes a script or markup around it.
                    if (c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * A record of numbers, booleans, strings and further such records as an object, its components in
     * declaration order (the metrics' snapshot, whose fields grow with the product).
     */
    static String record(Record r) {
        StringBuilder b = new StringBuilder("{");
        appendFields(b, r);
        if (b.length() > 1) {
            b.setLength(b.length() - 1); // the last field's comma
        }
        return b.append('}').toString();
    }

    /** {@code r}'s components as {@code "name":value} pairs, each followed by a comma. */
    static void appendFields(StringBuilder b, Record r) {
        for (var c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            b.append(str(c.getName())).append(':').append(value(v)).append(',');
        }
    }

    private static String value(Object v) {
        if (v instanceof Record nested) {
            return record(nested);
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return str(v == null ? null : v.toString());
    }

    /** {@code {"k1":v1,...}} from alternating keys and already-encoded values. */
    static String obj(String... keysAndValues) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(str(keysAndValues[i])).append(':').append(keysAndValues[i + 1]);
        }
        return b.append('}').toString();
    }
}
