package io.masthead.webhook.event.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.platform.consumer.ConsumedValues;
import io.masthead.platform.consumer.PoisonRecordException;
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
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Consumes the domain topics ({@code masthead.webhooks.topics}) in batches (one poll, at most
 * {@code max.poll.records}). The records are taken in through the inbox in one transaction and the listener
 * returns only after it committed, so offsets are committed after the deliveries exist.
 *
 * <p>Nothing is skipped. At the first record that cannot be taken in (its value did not decode, the registry is
 * away, it is not an event), the records before it are taken in and the listener reports that record by its index
 * ({@link BatchListenerFailedException}): the platform's error handler commits what came before, then retries it
 * with backoff, holding the partition, or dead-letters it when it is poison, and goes on with the records after
 * it. When the intake itself fails, the first record of the part that failed is reported; a failure that may be
 * one record's fault (a constraint) is narrowed down by taking those records in one by one.
 */
@Component
class DomainEventListener {

    static final String LISTENER_ID = "webhook-fanout";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventIntake intake;

    DomainEventListener(EventIntake intake) {
        this.intake = intake;
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = "#{@webhookTopics}", batch = "true")
    void onEvents(List<ConsumerRecord<String, Object>> records) {
        List<IncomingEvent> batch = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            IncomingEvent event;
            try {
                event = decode(records.get(i));
            } catch (RuntimeException e) {
                takeIn(batch, 0);
                throw new BatchListenerFailedException("cannot take in " + where(records.get(i)), e, i);
            }
            batch.add(event);
        }
        takeIn(batch, 0);
    }

    /** Takes in {@code events}, the records from index {@code first} on; reports the record a failure is due to. */
    private void takeIn(List<IncomingEvent> events, int first) {
        if (events.isEmpty()) {
            return;
        }
        try {
            intake.acceptAll(events).block(TIMEOUT);
        } catch (RuntimeException e) {
            if (events.size() > 1 && mayBeOneRecordsFault(e)) {
                for (int j = 0; j < events.size(); j++) {
                    takeIn(List.of(events.get(j)), first + j);
                }
                return;
            }
            throw new BatchListenerFailedException("intake failed", e, first);
        }
    }

    private static boolean mayBeOneRecordsFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PoisonRecordException || t instanceof DataIntegrityViolationException) {
                return true;
            }
        }
        return false;
    }

    private static IncomingEvent decode(ConsumerRecord<String, Object> record) {
        if (!(ConsumedValues.value(record) instanceof SpecificRecord event)) {
            throw new PoisonRecordException(where(record) + " is not an Avro event of a generated class ("
                    + record.value().getClass().getName() + ")");
        }
        Schema.Field headerField = event.getSchema().getField("header");
        if (headerField == null || !(event.get(headerField.pos()) instanceof EventHeader header)) {
            throw new PoisonRecordException(where(record) + ": " + event.getSchema().getFullName()
                    + " has no event header");
        }
        UUID eventId = EventHeaders.eventId(record);
        String type = EventHeaders.eventType(record);
        String siteId = header.getSiteId();
        return new IncomingEvent(eventId, type, siteId, header.getOccurredAt(), record.key(),
                publicId -> EventPayloads.payload(publicId, type, header.getOccurredAt(), siteId, event), header);
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
