package io.masthead.platform.outbox;

import java.util.Objects;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * An event to publish: its id and public type name (e.g. {@code customer.created}), the topic, the
 * message key (the customer id, so per-customer order holds) and the Avro record.
 */
public record OutboxMessage(UUID eventId, String eventType, String topic, String key, SpecificRecord payload) {

    public OutboxMessage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
    }
}
