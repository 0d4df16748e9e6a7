package io.masthead.subscription.pause.model;

import java.time.Instant;

/**
 * A pause the policies allow: from {@code start} to {@code end} ({@code durationDays}, a part of a day counting as
 * a day); {@code forced} and {@code overrodeAnnualLimit} say which rule an admin set aside (only when it was in the
 * way: an override asked for but not needed is not one), recorded in the history and the event.
 */
public record PausePlan(Instant start, Instant end, int durationDays, PauseTrigger trigger, Actor actor,
        boolean forced, boolean overrodeAnnualLimit, String reason) {

    public boolean isOverride() {
        return forced || overrodeAnnualLimit;
    }
}
