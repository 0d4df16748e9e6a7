package io.masthead.system.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes generated JSON values byte by byte, so that a body can hold what a JSON library would refuse to write: lone
 * surrogates (as {@code \ud800} escapes), raw control characters, numbers of any size, raw fragments.
 * Values: {@link Map} (object), {@link List} (array), {@link String}, {@link Number}, {@link Boolean}, null,
 * {@link Raw} (written as is).
 */
final class Json {

    /** Text written verbatim, e.g. {@code 1e999999}, {@code NaN} or a truncated document. */
    record Raw(String text) {
    }

    /** A string written with every non-ASCII and control character as a \\u escape (else as raw UTF-8). */
    record Escaped(String value) {
    }

    private Json() {
    }

    static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    private static void write(Object value, ByteArrayOutputStream out) {
        switch (value) {
            case null -> ascii(out, "null");
            case Raw raw -> utf8(out, raw.text());
            case Escaped escaped -> string(escaped.value(), true, out);
            case String s -> string(s, false, out);
            case Boolean b -> ascii(out, b.toString());
            case BigDecimal d -> ascii(out, d.toString());
            case BigInteger i -> ascii(out, i.toString());
            case Number n -> ascii(out, n.toString());
            case Map<?, ?> map -> {
                out.write('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    write(e.getKey(), out);
                    out.write(':');
                    write(e.getValue(), out);
                }
                out.write('}');
            }
            case List<?> list -> {
                out.write('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    write(list.get(i), out);
                }
                out.write(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static void string(String s, boolean escapeAll, ByteArrayOutputStream out) {
        StringBuilder text = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                text.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !validPair(s, i) || escapeAll && c > 0x7e) {
                text.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c)) {
                text.append(c).append(s.charAt(++i)); // a valid pair, written as UTF-8
            } else {
                text.append(c);
            }
        }
        utf8(out, text.append('"').toString());
    }

    private static boolean validPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static void utf8(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
