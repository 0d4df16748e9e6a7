package io.masthead.webhook.delivery.infrastructure;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A delivery leased to a worker for one attempt until {@code leaseUntil}, with what the attempt needs: the URL,
 * the payload and the endpoint's active signing secrets, newest first; {@code ordered} when its endpoint
 * receives the events of one customer strictly in order. {@code leaseToken} names this lease: the attempt's result is
 * recorded only while the delivery still holds it (not when the lease ran out and another worker claimed it again).
 */
public record ClaimedDelivery(String id, String siteId, String endpointId, String eventId, String eventType,
        int attemptCount, int roundAttempts, String url, String payload, Instant occurredAt, List<String> secrets,
        boolean ordered, Instant leaseUntil, UUID leaseToken) {

    /** Whether this is the first attempt ever (for the event-to-first-attempt latency). */
    public boolean firstAttempt() {
        return attemptCount == 0;
    }
}
