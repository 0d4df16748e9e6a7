package io.masthead.subscription.pause.model;

import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * One pause in a subscription's history (GET /v1/subscriptions/{id}/pauses): who paused it and why, when, for how
 * long as planned, which rule an admin set aside, and how it ended (when, by whom, how many days it counted).
 */
public record PauseRecord(String id, String siteId, String subscriptionId, String customerId, int year,
        Instant startedAt, Instant plannedEndAt, SubscriptionStatus pausedFrom, PauseTrigger trigger, Actor actor,
        boolean forced, boolean overrodeAnnualLimit, String reason, Instant endedAt, PauseTrigger resumeTrigger,
        Actor resumedBy, String resumeReason, Integer daysPaused, Instant createdAt, Instant updatedAt) {

    public static final String ID_PREFIX = "pau";

    public PauseRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(plannedEndAt, "plannedEndAt");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(actor, "actor");
    }

    /** The history row of a pause just begun. */
    public static PauseRecord begun(String id, String siteId, String subscriptionId, String customerId,
            SubscriptionStatus pausedFrom, PausePlan plan, Instant now) {
        return new PauseRecord(id, siteId, subscriptionId, customerId,
                io.masthead.subscription.subscription.model.PauseState.yearOf(plan.start()), plan.start(),
                plan.end(), pausedFrom, plan.trigger(), plan.actor(), plan.forced(), plan.overrodeAnnualLimit(),
                plan.reason(), null, null, null, null, null, now, now);
    }

    /** This pause, ended at {@code endedAt} by {@code by}. */
    public PauseRecord ended(Instant endedAt, PauseTrigger how, Actor by, String why, long days, Instant now) {
        return new PauseRecord(id, siteId, subscriptionId, customerId, year, startedAt, plannedEndAt, pausedFrom,
                trigger, actor, forced, overrodeAnnualLimit, reason, endedAt, how, by, why, (int) days, createdAt, now);
    }

    public boolean isOpen() {
        return endedAt == null;
    }

    /** An admin set a rule aside for it (force or the annual limit). */
    public boolean isOverride() {
        return forced || overrodeAnnualLimit;
    }

    public int plannedDays() {
        return PausePolicies.durationDays(startedAt, plannedEndAt);
    }
}
