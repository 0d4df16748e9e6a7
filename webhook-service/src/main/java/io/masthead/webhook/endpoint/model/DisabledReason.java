package io.masthead.webhook.endpoint.model;

import java.util.Locale;

/** Why an endpoint is disabled: by an admin, by a 410 answer, or after failing too long without a success. */
public enum DisabledReason {
    MANUAL, GONE, FAILING;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DisabledReason of(String value) {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
