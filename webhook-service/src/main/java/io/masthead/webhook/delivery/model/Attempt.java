package io.masthead.webhook.delivery.model;

import java.time.Instant;

/** One HTTP attempt of a delivery, as logged: when, where, how long, the status or error, the response body. */
public record Attempt(String id, String siteId, String deliveryId, String endpointId, String eventId,
        int attemptNumber, String url, Instant attemptedAt, long durationMillis, Integer statusCode, boolean succeeded,
        String error, String responseBody) {

    public static final String ID_PREFIX = "wha";
}
