package io.masthead.platform.kafka;

import io.masthead.platform.consumer.PoisonRecordException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** The Kafka headers the relay puts on every event: {@code event_id} and {@code event_type}. */
public final class EventHeaders {

    public static final String EVENT_ID = "event_id";
    public static final String EVENT_TYPE = "event_type";

    private EventHeaders() {
    }

    /** @throws PoisonRecordException when the header is missing or not a UUID (the record can never be applied) */
    public static UUID eventId(ConsumerRecord<?, ?> record) {
        String value = required(record, EVENT_ID);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException(where(record) + " has an " + EVENT_ID + " header that is not a UUID", e);
        }
    }

    /** @throws PoisonRecordException when the header is missing */
    public static String eventType(ConsumerRecord<?, ?> record) {
        return required(record, EVENT_TYPE);
    }

    private static String required(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null) {
            throw new PoisonRecordException(where(record) + " has no " + name + " header");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return "record " + record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
