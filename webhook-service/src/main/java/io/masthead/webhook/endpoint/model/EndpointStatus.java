package io.masthead.webhook.endpoint.model;

import java.util.Locale;

/** A disabled endpoint gets no new deliveries, and its pending ones fail. */
public enum EndpointStatus {
    ENABLED, DISABLED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EndpointStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
