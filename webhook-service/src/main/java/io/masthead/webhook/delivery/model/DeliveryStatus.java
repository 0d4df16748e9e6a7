package io.masthead.webhook.delivery.model;

import java.util.Locale;

/** A delivery is pending until an attempt succeeds or it is given up; only a finished one can be resent. */
public enum DeliveryStatus {
    PENDING, SUCCEEDED, FAILED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Whether {@code value} names a status (for query parameters). */
    public static boolean isValue(String value) {
        for (DeliveryStatus status : values()) {
            if (status.value().equals(value)) {
                return true;
            }
        }
        return false;
    }

    public boolean canBeResent() {
        return this != PENDING;
    }
}
