package io.masthead.subscription.pause.model;

import java.util.Locale;

/**
 * What started or ended a pause (seed 003 "Resume trigger: auto vs manual vs admin"): {@code manual} is the subscriber
 * (a customer token), {@code admin} a secret key (support tooling), {@code auto} the pause's end coming (resumes
 * only), {@code canceled} a cancellation that ended the subscription during the pause (history only: the pause is
 * closed, nothing resumes).
 */
public enum PauseTrigger {
    AUTO, MANUAL, ADMIN, CANCELED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PauseTrigger parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The trigger of a request by {@code actor}. */
    public static PauseTrigger of(Actor actor) {
        return switch (actor.type()) {
            case ADMIN -> ADMIN;
            case CUSTOMER -> MANUAL;
            case SYSTEM -> AUTO;
        };
    }
}
