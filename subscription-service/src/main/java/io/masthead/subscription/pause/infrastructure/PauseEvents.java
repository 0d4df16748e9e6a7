package io.masthead.subscription.pause.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.SubscriptionPaused;
import io.masthead.events.subscription.SubscriptionResumed;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.subscription.events.SubscriptionTopic;
import io.masthead.subscription.pause.model.PauseRecord;
import io.masthead.subscription.subscription.infrastructure.SubscriptionEvents;
import io.masthead.subscription.subscription.model.Subscription;

/** subscription.paused and subscription.resumed, with the full snapshot, keyed by the paying customer like every subscription event. */
public final class PauseEvents {

    public static final String PAUSED = "subscription.paused";
    public static final String RESUMED = "subscription.resumed";

    private PauseEvents() {
    }

    public static OutboxMessage paused(EventHeader header, Subscription s, PauseRecord p) {
        return SubscriptionTopic.message(header, s.customerId(), SubscriptionPaused.newBuilder()
                .setHeader(header)
                .setSubscription(SubscriptionEvents.snapshot(s, header))
                .setPauseId(p.id())
                .setPauseStartAt(p.startedAt())
                .setPauseEndAt(p.plannedEndAt())
                .setDurationDays(p.plannedDays())
                .setTrigger(p.trigger().wireName())
                .setActorType(p.actor().type().wireName())
                .setActorId(p.actor().id())
                .setForced(p.forced())
                .setOverrideAnnualLimit(p.overrodeAnnualLimit())
                .setReason(p.reason())
                .build());
    }

    /** {@code p} is the pause as it ended. */
    public static OutboxMessage resumed(EventHeader header, Subscription s, PauseRecord p) {
        return SubscriptionTopic.message(header, s.customerId(), SubscriptionResumed.newBuilder()
                .setHeader(header)
                .setSubscription(SubscriptionEvents.snapshot(s, header))
                .setPauseId(p.id())
                .setTrigger(p.resumeTrigger().wireName())
                .setActorType(p.resumedBy().type().wireName())
                .setActorId(p.resumedBy().id())
                .setPauseStartAt(p.startedAt())
                .setPlannedEndAt(p.plannedEndAt())
                .setResumedAt(p.endedAt())
                .setDaysPaused(p.daysPaused())
                .setReason(p.resumeReason())
                .build());
    }
}
