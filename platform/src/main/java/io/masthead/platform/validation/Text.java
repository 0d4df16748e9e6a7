package io.masthead.platform.validation;

/**
 * The rule every text input obeys, wherever it comes from (JSON bodies, query parameters, path segments),
 * before any field-specific rule: no control characters but tab, line feed and carriage return, no unpaired
 * UTF-16 surrogates (they are not characters: PostgreSQL refuses NUL and the driver would mangle the others),
 * and at most {@link #MAX_LENGTH} characters. Fields with a tighter limit check it in their own rules.
 */
public final class Text {

    /** The longest text any field accepts; most fields have a smaller limit of their own. */
    public static final int MAX_LENGTH = 10_000;

    private Text() {
    }

    /** Why {@code value} cannot be accepted as text of at most {@code maxLength} characters, or null if it can. */
    public static String problem(String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxLength) {
            return "must be at most " + maxLength + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode text (an unpaired surrogate at position " + i + ")";
            } else if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return "must not contain control characters (U+" + String.format("%04X", (int) c) + " at position "
                        + i + ")";
            }
        }
        return null;
    }

    /** {@link #problem(String, int)} with the general limit. */
    public static String problem(String value) {
        return problem(value, MAX_LENGTH);
    }
}
