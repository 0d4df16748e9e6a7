package io.masthead.platform.kafka;

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

    public static UUID eventId(ConsumerRecord<?, ?> record) {
        return UUID.fromString(required(record, EVENT_ID));
    }

    public static String eventType(ConsumerRecord<?, ?> record) {
        return required(record, EVENT_TYPE);
    }

    private static String required(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            throw new IllegalArgumentException("record " + record.topic() + "/" + record.partition() + "@"
                    + record.offset() + " has no " + name + " header");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
