package io.masthead.gateway.testclock.model;

import java.util.Locale;

/** A test clock is {@code ready} (the site's time runs with the wall clock) or {@code advancing} to a target. */
public enum ClockStatus {
    READY, ADVANCING;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClockStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
