package io.masthead.gateway.site.model;

import java.util.Locale;
import java.util.Optional;

/** Test sites never move real money and get {@code sk_test_} keys; live sites get {@code sk_live_} keys. */
public enum SiteMode {
    TEST, LIVE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean livemode() {
        return this == LIVE;
    }

    public static Optional<SiteMode> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (SiteMode mode : values()) {
            if (mode.value().equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
