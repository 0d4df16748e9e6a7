package io.masthead.webhook.delivery.model;

import java.time.Instant;

/**
 * One event to one endpoint (unique per pair). {@code nextAttemptAt} is when it is due while pending (during
 * an attempt: the end of the worker's lease); {@code attemptCount} counts every attempt ever made.
 */
public record Delivery(String id, String siteId, String endpointId, String eventId, String eventType,
        DeliveryStatus status, int attemptCount, Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode,
        String lastError, Instant createdAt, Instant completedAt) {

    public static final String ID_PREFIX = "whd";
}
