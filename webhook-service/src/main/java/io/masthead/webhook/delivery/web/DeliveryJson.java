package io.masthead.webhook.delivery.web;

import io.masthead.webhook.delivery.model.Attempt;
import io.masthead.webhook.delivery.model.Delivery;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** Deliveries and attempts as JSON (snake_case). */
public final class DeliveryJson {

    private DeliveryJson() {
    }

    private static final String TIME = "2026-05-04T09:30:00Z";

    @Schema(name = "WebhookDelivery", description = "One event's delivery to one endpoint")
    public record DeliveryResource(
            @Schema(example = "whd_01jt3z8x9k2m4n6p8q0r2s4t6v") String id,
            @Schema(allowableValues = "webhook_delivery") String object,
            @Schema(example = "we_01jt3z8x9k2m4n6p8q0r2s4t6v") String endpointId,
            @Schema(example = "evt_01jt3z8x9k2m4n6p8q0r2s4t6y") String eventId,
            @Schema(example = "customer.created") String eventType,
            @Schema(allowableValues = {"pending", "succeeded", "failed"}, example = "succeeded") String status,
            @Schema(description = "Attempts made so far", example = "1") int attempts,
            @Schema(description = "When the next attempt is due, while pending") Instant nextAttemptAt,
            @Schema(example = TIME) Instant lastAttemptAt,
            @Schema(example = "200") Integer lastStatusCode,
            String lastError,
            @Schema(example = TIME) Instant createdAt,
            @Schema(example = TIME) Instant completedAt) {
    }

    @Schema(name = "WebhookAttempt", description = "One HTTP request of a delivery, and what the endpoint answered")
    public record AttemptResource(
            @Schema(example = "wha_01jt3z8x9k2m4n6p8q0r2s4t6v") String id,
            @Schema(allowableValues = "webhook_attempt") String object,
            @Schema(example = "whd_01jt3z8x9k2m4n6p8q0r2s4t6v") String deliveryId,
            @Schema(example = "we_01jt3z8x9k2m4n6p8q0r2s4t6v") String endpointId,
            @Schema(example = "evt_01jt3z8x9k2m4n6p8q0r2s4t6y") String eventId,
            @Schema(example = "1") int attemptNumber,
            @Schema(example = "https://hooks.dailyplanet.example/masthead") String url,
            @Schema(example = TIME) Instant attemptedAt,
            @Schema(example = "84") long durationMs,
            @Schema(description = "The endpoint's HTTP status, when it answered", example = "200") Integer statusCode,
            @Schema(allowableValues = {"succeeded", "failed"}, example = "succeeded") String status,
            @Schema(description = "Why it failed, when it did (timeout, refused address, ...)") String error,
            @Schema(description = "The start of the endpoint's answer", example = "ok") String responseBody) {
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
