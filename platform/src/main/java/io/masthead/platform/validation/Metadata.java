package io.masthead.platform.validation;

import java.util.Map;

/** The limits of {@code metadata}, the free key/value pairs every resource carries (as Stripe's). */
public final class Metadata {

    public static final int MAX_KEYS = 50;
    public static final int MAX_KEY_LENGTH = 40;
    public static final int MAX_VALUE_LENGTH = 500;

    private Metadata() {
    }

    public static void validate(String field, Map<String, String> metadata, Violations violations) {
        if (metadata == null) {
            return;
        }
        if (metadata.size() > MAX_KEYS) {
            violations.add(field, "must have at most " + MAX_KEYS + " keys");
        }
        metadata.forEach((key, value) -> {
            if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
                violations.add(field + "." + key, "key must be 1 to " + MAX_KEY_LENGTH + " characters");
            }
            if (value == null) {
                violations.add(field + "." + key, "value must be a string");
            } else if (value.length() > MAX_VALUE_LENGTH) {
                violations.add(field + "." + key, "value must be at most " + MAX_VALUE_LENGTH + " characters");
            }
        });
    }
}
