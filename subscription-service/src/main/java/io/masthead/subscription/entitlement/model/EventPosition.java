package io.masthead.subscription.entitlement.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an event of a subscription stands among the subscription's events: its partition and offset on
 * {@code subscriptions.v1} (all events of a subscription share its key, the customer, hence its partition, and are
 * published in commit order), and its {@code occurred_at}.
 */
public record EventPosition(int partition, long offset, Instant occurredAt) {

    public EventPosition {
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /**
     * Whether this event comes after {@code applied}, the last one applied: a later offset on the same partition;
     * on another partition (the topic repartitioned) a time not before it. An older event, or the same one again,
     * does not.
     */
    public boolean isAfter(EventPosition applied) {
        if (partition == applied.partition) {
            return offset > applied.offset;
        }
        return !occurredAt.isBefore(applied.occurredAt);
    }
}
