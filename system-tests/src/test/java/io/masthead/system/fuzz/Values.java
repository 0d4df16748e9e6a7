package io.masthead.system.fuzz;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The hostile values the suite sends: strings of every awkward kind, numbers too big for any type, values of the
 * wrong type, deep nesting. Each is labelled, so a failure names the kind of value that caused it.
 */
final class Values {

    /** A generated value and what kind it is (e.g. "string:nul"). */
    record Labelled(String label, Object value) {
    }

    private final SplittableRandom random;

    Values(SplittableRandom random) {
        this.random = random;
    }

    SplittableRandom random() {
        return random;
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    @SafeVarargs
    final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    <T> T oneOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    String alnum(int length) {
        StringBuilder s = new StringBuilder(length);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** A hostile string: NUL, control characters, lone surrogates, RTL, emoji, combining marks, huge, empty... */
    Labelled string() {
        int kind = random.nextInt(22);
        return switch (kind) {
            case 0 -> new Labelled("string:empty", "");
            case 1 -> new Labelled("string:blank", oneOf(" ", "\t", "   ", "\u00a0", "\u2003", "\u3000"));
            case 2 -> new Labelled("string:nul", around("\u0000"));
            case 3 -> new Labelled("string:control", around(String.valueOf((char) (int) oneOf(1, 7, 8, 11, 12, 27, 31, 127,
                    0x85, 0x9f))));
            case 4 -> new Labelled("string:newline-tab", around(oneOf("\n", "\r\n", "\t", "\r")));
            case 5 -> new Labelled("string:lone-high-surrogate", around("\ud800"));
            case 6 -> new Labelled("string:lone-low-surrogate", around("\udfff"));
            case 7 -> new Labelled("string:rtl", around(oneOf("\u202e", "\u200f", "\u2067", "\u061c")) + "txet");
            case 8 -> new Labelled("string:emoji", around(oneOf("\ud83d\ude00", "\ud83d\udc69\u200d\ud83d\udcbb",
                    "\ud83c\uddfa\ud83c\uddf8", "\ud83e\udd37\ud83c\udffd\u200d\u2642\ufe0f")));
            case 9 -> new Labelled("string:combining", "e" + "\u0301".repeat(between(1, 300)));
            case 10 -> new Labelled("string:zero-width", around(oneOf("\u200b", "\u200d", "\ufeff", "\u2060")));
            case 11 -> new Labelled("string:noncharacter", around(oneOf("\ufffe", "\uffff", "\ufdd0")));
            case 12 -> new Labelled("string:long-256", "x".repeat(between(256, 300)));
            case 13 -> new Labelled("string:long-10k", oneOf("a", "\u00e9", "\ud83d\ude00").repeat(between(2_000, 12_000)));
            case 14 -> new Labelled("string:huge-300k", "z".repeat(between(200_000, 400_000)));
            case 15 -> new Labelled("string:sql", oneOf("' OR '1'='1", "\"; DROP TABLE customers; --", "\\", "%",
                    "_", "%%", "\\x00", "$1", "';--"));
            case 16 -> new Labelled("string:format", oneOf("%s%s%n", "${jndi:ldap://127.0.0.1/a}", "{{7*7}}",
                    "#{1}", "<script>alert(1)</script>", "../../etc/passwd"));
            case 17 -> new Labelled("string:non-bmp", around("\ud800\udc00\udbff\udfff"));
            case 18 -> new Labelled("string:escaped-unicode", new Json.Escaped(around(oneOf("\u00e9", "\u0000",
                    "\ud83d\ude00", "\ud83d", "\u202e"))));
            case 19 -> new Labelled("string:mixed", mixed(between(1, 64)));
            case 20 -> new Labelled("string:numeric", oneOf("0", "-1", "1e309", "NaN", "Infinity", "0x1F", "007"));
            default -> new Labelled("string:plain", alnum(between(1, 40)));
        };
    }

    private String around(String core) {
        return switch (random.nextInt(4)) {
            case 0 -> core;
            case 1 -> "a" + core;
            case 2 -> core + "b";
            default -> alnum(between(1, 8)) + core + alnum(between(1, 8));
        };
    }

    /** Random code units, including surrogates and controls. */
    private String mixed(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) (chance(0.5) ? random.nextInt(0, 0x80) : random.nextInt(0, 0x10000)));
        }
        return s.toString();
    }

    /** A number of an awkward size or shape (some written raw, as JSON numbers no type holds). */
    Labelled number() {
        return switch (random.nextInt(12)) {
            case 0 -> new Labelled("number:zero", 0);
            case 1 -> new Labelled("number:negative", -between(1, 1000));
            case 2 -> new Labelled("number:int-max", oneOf(Integer.MAX_VALUE, Integer.MIN_VALUE));
            case 3 -> new Labelled("number:long-overflow", new BigInteger("9223372036854775808"));
            case 4 -> new Labelled("number:huge", BigInteger.TEN.pow(between(30, 400)));
            case 5 -> new Labelled("number:decimal", new BigDecimal("0." + alnum(1).replaceAll("[a-z]", "5") + "1"));
            case 6 -> new Labelled("number:exponent", new Json.Raw(oneOf("1e999999", "-1e-999999", "1E400",
                    "4.9e-325")));
            case 7 -> new Labelled("number:minus-zero", new Json.Raw("-0"));
            case 8 -> new Labelled("number:long-digits", new Json.Raw("1" + "0".repeat(between(1_000, 20_000))));
            case 9 -> new Labelled("number:double", oneOf(1.5, -0.25, 1.7976931348623157E308));
            case 10 -> new Labelled("number:long-max", Long.MAX_VALUE);
            default -> new Labelled("number:small", between(1, 100));
        };
    }

    /** Any JSON value at all: the wrong type for whatever field gets it. */
    Labelled anyValue() {
        return switch (random.nextInt(9)) {
            case 0, 1 -> string();
            case 2, 3 -> number();
            case 4 -> new Labelled("bool", chance(0.5));
            case 5 -> new Labelled("null", null);
            case 6 -> new Labelled("array", List.of(alnum(3), between(0, 9)));
            case 7 -> new Labelled("object", Map.of(alnum(4), alnum(4)));
            default -> deep();
        };
    }

    /** Arrays or objects nested hundreds to thousands deep. */
    Labelled deep() {
        int depth = oneOf(64, 200, 1_000, 5_000, 20_000);
        boolean arrays = chance(0.5);
        Object value = alnum(2);
        for (int i = 0; i < Math.min(depth, 1_000); i++) {
            value = arrays ? List.of(value) : Map.of("a", value);
        }
        if (depth > 1_000) { // beyond what a recursive writer should handle: written as raw text
            String open = arrays ? "[" : "{\"a\":";
            String close = arrays ? "]" : "}";
            return new Labelled("deep:" + (arrays ? "array" : "object") + "-" + depth,
                    new Json.Raw(open.repeat(depth) + "1" + close.repeat(depth)));
        }
        return new Labelled("deep:" + (arrays ? "array" : "object") + "-" + depth, value);
    }

    /** A map of many entries, or of hostile keys. */
    Labelled hostileObject() {
        Map<Object, Object> map = new LinkedHashMap<>();
        if (chance(0.5)) {
            int n = oneOf(50, 500, 5_000);
            for (int i = 0; i < n; i++) {
                map.put("k" + i, "v");
            }
            return new Labelled("object:many-" + n, map);
        }
        Labelled key = string();
        map.put(key.value() instanceof Json.Escaped e ? e.value() : String.valueOf(key.value()), "v");
        return new Labelled("object:key-" + key.label(), map);
    }

    <T> List<T> listOf(int n, Supplier<T> element) {
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(element.get());
        }
        return list;
    }
}
