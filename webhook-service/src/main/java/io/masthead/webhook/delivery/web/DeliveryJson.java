package io.masthead.webhook.delivery.web;

import io.masthead.webhook.delivery.model.Attempt;
import io.masthead.webhook.delivery.model.Delivery;
import java.time.Instant;

/** Deliveries and attempts as JSON (snake_case). */
public final class DeliveryJson {

    private DeliveryJson() {
    }

    public record DeliveryResource(String id, String object, String endpointId, String eventId, String eventType,
            String status, int attempts, Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode,
            String lastError, Instant createdAt, Instant completedAt) {
    }

    public record AttemptResource(String id, String object, String deliveryId, String endpointId, String eventId,
            int attemptNumber, String url, Instant attemptedAt, long durationMs, Integer statusCode, String status,
            String error, String responseBody) {
    }

    public static DeliveryResource resource(Delivery d) {
        return new DeliveryResource(d.id(), "webhook_delivery", d.endpointId(), d.eventId(), d.eventType(),
                d.status().value(), d.attemptCount(), d.nextAttemptAt(), d.lastAttemptAt(), d.lastStatusCode(),
                d.lastError(), d.createdAt(), d.completedAt());
    }

    public static AttemptResource resource(Attempt a) {
        return new AttemptResource(a.id(), "webhook_attempt", a.deliveryId(), a.endpointId(), a.eventId(),
                a.attemptNumber(), a.url(), a.attemptedAt(), a.durationMillis(), a.statusCode(),
                a.succeeded() ? "succeeded" : "failed", a.error(), a.responseBody());
    }
}
