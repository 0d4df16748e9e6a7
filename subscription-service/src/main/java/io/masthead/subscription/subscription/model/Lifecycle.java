package io.masthead.subscription.subscription.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The future work a subscription's state calls for, one item per kind (keyed by the subscription id). After any
 * change the application makes the pending items match this exactly: kinds absent here are removed, so a
 * subscription that ended (canceled now, expired) keeps no item at all and can never renew afterwards.
 */
public final class Lifecycle {

    public static final String PERIOD_END = "subscription.period_end";
    public static final String TRIAL_END = "subscription.trial_end";
    public static final String START = "subscription.start";
    public static final String TRIAL_WILL_END = "subscription.trial_will_end";

    public static final java.util.List<String> KINDS = java.util.List.of(START, TRIAL_WILL_END, TRIAL_END, PERIOD_END);

    private Lifecycle() {
    }

    /**
     * Kind to due time of the state-driven items ({@code start}, {@code trial_end}, {@code period_end}) this
     * subscription needs now. {@code trial_will_end} is a notice, not a state: see {@link #needsTrialNotice}.
     */
    public static Map<String, Instant> dueItems(Subscription s) {
        Map<String, Instant> items = new LinkedHashMap<>();
        switch (s.status()) {
            case SCHEDULED -> items.put(START, s.startDate());
            case TRIALING -> items.put(TRIAL_END, s.trialEnd());
            case ACTIVE, PAST_DUE, UNPAID -> items.put(PERIOD_END, s.currentPeriodEnd());
            // the item the resumed state needs waits at the end the pause moved (the model refuses it while paused);
            // the pause schedules its own resumption
            case PAUSED -> items.put(s.pause().resumesTo() == SubscriptionStatus.TRIALING ? TRIAL_END : PERIOD_END,
                    s.currentPeriodEnd());
            case CANCELED, EXPIRED -> {
                // an ended subscription has no future
            }
        }
        return items;
    }

    /**
     * Whether a pending {@code trial_will_end} notice may stay: only while a trial is ahead or running. It is
     * scheduled once, when a subscription is created into (or scheduled with) a trial.
     */
    public static boolean needsTrialNotice(Subscription s) {
        return s.trialWillEndAt() != null;
    }
}
