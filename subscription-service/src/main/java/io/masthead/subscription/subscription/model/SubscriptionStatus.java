package io.masthead.subscription.subscription.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a subscription and the moves between them, in one table. {@code canceled} and {@code expired}
 * are terminal: nothing leaves them. {@code paused} exists for pause/resume; {@code past_due} and {@code unpaid}
 * are where billing moves a subscription whose invoice is not paid.
 */
public enum SubscriptionStatus {
    /** Created with a future {@code start_date}; starts on it. */
    SCHEDULED,
    /** In its trial; becomes active at {@code trial_end}. */
    TRIALING,
    ACTIVE,
    /** The latest invoice is not paid yet; payment is being retried. */
    PAST_DUE,
    /** Every retry failed; access is as the site decides. */
    UNPAID,
    PAUSED,
    CANCELED,
    /** Reached the end of its last period without renewing. */
    EXPIRED;

    private Set<SubscriptionStatus> next() {
        return switch (this) {
            case SCHEDULED -> EnumSet.of(TRIALING, ACTIVE, CANCELED);
            case TRIALING -> EnumSet.of(ACTIVE, PAST_DUE, UNPAID, PAUSED, CANCELED);
            case ACTIVE -> EnumSet.of(PAST_DUE, UNPAID, PAUSED, CANCELED, EXPIRED);
            case PAST_DUE -> EnumSet.of(ACTIVE, UNPAID, PAUSED, CANCELED, EXPIRED);
            case UNPAID -> EnumSet.of(ACTIVE, CANCELED, EXPIRED);
            // a pause resumes into the state it was paused from
            case PAUSED -> EnumSet.of(ACTIVE, TRIALING, PAST_DUE, CANCELED, EXPIRED);
            case CANCELED, EXPIRED -> EnumSet.noneOf(SubscriptionStatus.class);
        };
    }

    /** Whether a subscription in this state may move to {@code target} (staying put is not a transition). */
    public boolean canBecome(SubscriptionStatus target) {
        return next().contains(target);
    }

    public boolean isTerminal() {
        return next().isEmpty();
    }

    /** States whose period boundary renews the subscription (billing decides about payment, not the period). */
    public boolean renewsAtPeriodEnd() {
        return this == ACTIVE || this == PAST_DUE || this == UNPAID;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SubscriptionStatus parse(String value) {
        return SubscriptionStatus.valueOf(value.toUpperCase(Locale.ROOT));
    }

    public static boolean isKnown(String value) {
        for (SubscriptionStatus s : values()) {
            if (s.wireName().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
