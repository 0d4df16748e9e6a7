package io.masthead.webhook.event.model;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as webhooks carry it: the public id ({@code evt_...}, also the {@code webhook-id} of every
 * delivery of it), the domain event id it came from, and the JSON payload, built once so that every attempt
 * sends the same bytes. {@code orderingKey} is the Kafka key (the customer id): ordered endpoints get the
 * events of one key in order.
 */
public record WebhookEvent(String id, UUID sourceEventId, String siteId, String type, String orderingKey,
        String payload, Instant occurredAt, Instant receivedAt) {

    public static final String ID_PREFIX = "evt";
    /** The test event an admin can send to one endpoint on demand. */
    public static final String PING = "ping";
}
