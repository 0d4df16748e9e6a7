package io.masthead.webhook.event.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.webhook.event.application.EventIntake;
import io.masthead.webhook.event.application.EventIntake.IncomingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the domain topics ({@code masthead.webhooks.topics}) in batches (one poll, at most
 * {@code max.poll.records}). A batch is taken in through the inbox in one transaction and the listener returns
 * only after it committed, so offsets are committed after the deliveries exist. A failure is retried by the
 * container's error handler, batch and all, without end (the inbox makes the retry harmless): nothing is
 * skipped but records that cannot be decoded.
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

    @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = "#{@webhookTopics}", batch = "true")
    void onEvents(List<ConsumerRecord<String, Object>> records) {
        List<IncomingEvent> batch = new ArrayList<>(records.size());
        for (ConsumerRecord<String, Object> record : records) {
            IncomingEvent event = decode(record);
            if (event != null) {
                batch.add(event);
            }
        }
        intake.acceptAll(batch).block(TIMEOUT);
    }

    private static IncomingEvent decode(ConsumerRecord<String, Object> record) {
        if (!(record.value() instanceof SpecificRecord event)) {
            log.warn("Skipping {}/{}@{}: not an Avro event ({})", record.topic(), record.partition(), record.offset(),
                    record.value() == null ? "null: it could not be decoded" : record.value().getClass().getName());
            return null;
        }
        Schema.Field headerField = event.getSchema().getField("header");
        if (headerField == null || !(event.get(headerField.pos()) instanceof EventHeader header)) {
            log.warn("Skipping {}/{}@{}: {} has no event header", record.topic(), record.partition(), record.offset(),
                    event.getSchema().getFullName());
            return null;
        }
        UUID eventId = EventHeaders.eventId(record);
        String type = EventHeaders.eventType(record);
        String siteId = header.getSiteId();
        return new IncomingEvent(eventId, type, siteId, header.getOccurredAt(), record.key(),
                publicId -> EventPayloads.payload(publicId, type, header.getOccurredAt(), siteId, event));
    }
}
