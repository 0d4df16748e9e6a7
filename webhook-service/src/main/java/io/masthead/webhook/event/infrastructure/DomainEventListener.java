package io.masthead.webhook.event.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.webhook.event.application.EventIntake;
import io.masthead.webhook.event.application.EventIntake.IncomingEvent;
import java.time.Duration;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the domain topics ({@code masthead.webhooks.topics}). Each record is taken in through the inbox
 * and the listener returns only after that transaction committed, so the offset is committed after the
 * deliveries exist (a failure is retried by the container's error handler, without end: nothing is skipped
 * but records that cannot be decoded).
 */
@Component
class DomainEventListener {

    static final String LISTENER_ID = "webhook-fanout";
    private static final Logger log = LoggerFactory.getLogger(DomainEventListener.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventIntake intake;

    DomainEventListener(EventIntake intake) {
        this.intake = intake;
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = "#{@webhookTopics}")
    void onEvent(ConsumerRecord<String, Object> record) {
        if (!(record.value() instanceof SpecificRecord event)) {
            log.warn("Skipping {}/{}@{}: not an Avro event ({})", record.topic(), record.partition(), record.offset(),
                    record.value() == null ? "null" : record.value().getClass().getName());
            return;
        }
        Schema.Field headerField = event.getSchema().getField("header");
        if (headerField == null || !(event.get(headerField.pos()) instanceof EventHeader header)) {
            log.warn("Skipping {}/{}@{}: {} has no event header", record.topic(), record.partition(), record.offset(),
                    event.getSchema().getFullName());
            return;
        }
        UUID eventId = EventHeaders.eventId(record);
        String type = EventHeaders.eventType(record);
        String siteId = header.getSiteId();
        intake.accept(new IncomingEvent(eventId, type, siteId, header.getOccurredAt(), record.key(),
                        publicId -> EventPayloads.payload(publicId, type, header.getOccurredAt(), siteId, event)))
                .block(TIMEOUT);
    }
}
