package io.masthead.platform.outbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Appends events to the transactional outbox. Call it inside the same reactive transaction as the
 * state change: the event exists if and only if the change committed. The relay publishes it.
 */
public class Outbox {

    private final DatabaseClient db;

    public Outbox(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> append(OutboxMessage message) {
        byte[] payload = encode(message.payload());
        return db.sql("""
                        INSERT INTO outbox (event_id, event_type, topic, message_key, schema_name, payload)
                        VALUES (:eventId, :eventType, :topic, :key, :schema, :payload)""")
                .bind("eventId", message.eventId())
                .bind("eventType", message.eventType())
                .bind("topic", message.topic())
                .bind("key", message.key())
                .bind("schema", message.payload().getSchema().getFullName())
                .bind("payload", payload)
                .fetch().rowsUpdated().then();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static byte[] encode(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
