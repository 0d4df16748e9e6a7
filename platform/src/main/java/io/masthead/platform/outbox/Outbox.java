package io.masthead.platform.outbox;

import io.masthead.events.EventHeader;
import io.masthead.platform.events.EventRecords;
import io.masthead.platform.r2dbc.Rows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Appends events to the transactional outbox. Call it inside the same reactive transaction as the
 * state change: the event exists if and only if the change committed. The relay publishes it.
 *
 * <p>A row holds the Avro binary of the event and the fingerprint of its writer schema (SHA-256 of the schema's
 * text); the text itself is in {@code outbox_schemas}, once per fingerprint. So the relay publishes the row as it
 * was written, whichever version of the service wrote it. The schema row is written by the same statement as the
 * event (insert-if-absent) until a transaction that did so committed; from then on this instance writes the event
 * alone. A row also keeps the site of its event (from the event's header), so a site's unpublished events can be
 * counted ({@link io.masthead.platform.time.SiteClocks#outboxPending}).
 */
public class Outbox {

    private final DatabaseClient db;
    private final Map<Schema, WriterSchema> schemas = new ConcurrentHashMap<>();

    public Outbox(DatabaseClient db) {
        this.db = db;
    }

    /** A writer schema: its full name, its text as registered and published, the SHA-256 of that text. */
    public record WriterSchema(String name, String text, byte[] fingerprint, AtomicBoolean stored) {

        public static WriterSchema of(Schema schema) {
            String text = schema.toString();
            return new WriterSchema(schema.getFullName(), text, fingerprint(text),
                    new AtomicBoolean());
        }

        public static byte[] fingerprint(String schemaText) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(schemaText.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public Mono<Void> append(OutboxMessage message) {
        return Mono.defer(() -> {
            WriterSchema writer = schemas.computeIfAbsent(message.payload().getSchema(), WriterSchema::of);
            byte[] payload = encode(message.payload());
            if (writer.stored().get()) {
                return bind(db.sql("""
                        INSERT INTO outbox (event_id, event_type, topic, message_key, schema_name, schema_fingerprint,
                                            payload, site_id)
                        VALUES (:eventId, :eventType, :topic, :key, :schema, :fingerprint, :payload, :siteId)"""),
                        message, writer, payload).fetch().rowsUpdated().then();
            }
            return bind(db.sql("""
                    WITH stored_schema AS (
                        INSERT INTO outbox_schemas (fingerprint, schema_name, schema_text)
                        VALUES (:fingerprint, :schema, :schemaText)
                        ON CONFLICT DO NOTHING
                    )
                    INSERT INTO outbox (event_id, event_type, topic, message_key, schema_name, schema_fingerprint,
                                        payload, site_id)
                    VALUES (:eventId, :eventType, :topic, :key, :schema, :fingerprint, :payload, :siteId)"""),
                    message, writer, payload).bind("schemaText", writer.text())
                    .fetch().rowsUpdated()
                    .then(rememberOnCommit(writer));
        });
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec sql, OutboxMessage message,
            WriterSchema writer, byte[] payload) {
        return sql.bind("eventId", message.eventId())
                .bind("eventType", message.eventType())
                .bind("topic", message.topic())
                .bind("key", message.key())
                .bind("schema", writer.name())
                .bind("fingerprint", writer.fingerprint())
                .bind("payload", payload)
                .bind("siteId", Rows.text(siteOf(message)));
    }

    /**
     * The site of a test-mode event, from its header (null for a live event or a record without header): a test
     * clock waits for its site's events, and live events never concern it.
     */
    static String siteOf(OutboxMessage message) {
        EventHeader header = EventRecords.headerOf(message.payload());
        return header == null || header.getLivemode() ? null : header.getSiteId();
    }

    /** The schema row exists for good once this statement's transaction commits (at once, outside a transaction). */
    private static Mono<Void> rememberOnCommit(WriterSchema writer) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .flatMap(transaction -> {
                    if (transaction.isSynchronizationActive()) {
                        transaction.registerSynchronization(new TransactionSynchronization() {
                            @Override
                            public Mono<Void> afterCompletion(int status) {
                                if (status == STATUS_COMMITTED) {
                                    writer.stored().set(true);
                                }
                                return Mono.empty();
                            }
                        });
                    }
                    return Mono.<Void>empty();
                })
                .onErrorResume(NoTransactionException.class, noTransaction -> {
                    writer.stored().set(true);
                    return Mono.empty();
                })
                .then();
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
