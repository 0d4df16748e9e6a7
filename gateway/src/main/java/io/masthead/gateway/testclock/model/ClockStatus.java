package io.masthead.gateway.testclock.model;

import java.util.Locale;

/**
 * A test clock is {@code ready} (the site's time runs with the wall clock), {@code advancing} to a target, or
 * {@code failed}: its advance gave up after its attempts, and the site's time stands at the last step every service
 * settled at until a new advance moves it on.
 */
public enum ClockStatus {
    READY, ADVANCING, FAILED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClockStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
