package io.masthead.platform.outbox;

import io.masthead.events.EventHeader;
import io.masthead.platform.events.EventRecords;
import io.masthead.platform.r2dbc.JsonRows;
import io.masthead.platform.r2dbc.Rows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
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
import reactor.core.publisher.Flux;
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

    /**
     * {@link #append} for many events, in one statement (plus one for writer schemas this instance has not stored
     * yet): the rows get their ids in list order, so events of one key keep the order given. One notification of
     * the relay for the statement, as for one event.
     */
    public Mono<Void> appendAll(List<OutboxMessage> messages) {
        return Mono.defer(() -> {
            if (messages.isEmpty()) {
                return Mono.empty();
            }
            Base64.Encoder base64 = Base64.getEncoder();
            JsonRows rows = new JsonRows();
            Map<String, WriterSchema> unstored = new LinkedHashMap<>();
            for (OutboxMessage message : messages) {
                WriterSchema writer = schemas.computeIfAbsent(message.payload().getSchema(), WriterSchema::of);
                if (!writer.stored().get()) {
                    unstored.putIfAbsent(base64.encodeToString(writer.fingerprint()), writer);
                }
                rows.add().put("event_id", message.eventId().toString()).put("event_type", message.eventType())
                        .put("topic", message.topic()).put("message_key", message.key())
                        .put("schema_name", writer.name())
                        .put("schema_fingerprint", base64.encodeToString(writer.fingerprint()))
                        .put("payload", base64.encodeToString(encode(message.payload())))
                        .put("site_id", siteOf(message));
            }
            Mono<Void> storeSchemas = Flux.fromIterable(unstored.values())
                    .concatMap(writer -> db.sql("""
                                    INSERT INTO outbox_schemas (fingerprint, schema_name, schema_text)
                                    VALUES (:fingerprint, :schema, :schemaText)
                                    ON CONFLICT DO NOTHING""")
                            .bind("fingerprint", writer.fingerprint()).bind("schema", writer.name())
                            .bind("schemaText", writer.text())
                            .fetch().rowsUpdated().then(rememberOnCommit(writer)))
                    .then();
            return storeSchemas.then(db.sql("""
                            INSERT INTO outbox (event_id, event_type, topic, message_key, schema_name, schema_fingerprint,
                                                payload, site_id)
                            SELECT CAST(e.r->>'event_id' AS uuid), e.r->>'event_type', e.r->>'topic',
                                   e.r->>'message_key', e.r->>'schema_name',
                                   decode(e.r->>'schema_fingerprint', 'base64'), decode(e.r->>'payload', 'base64'),
                                   e.r->>'site_id'
                              FROM jsonb_array_elements(CAST(:rows AS jsonb)) WITH ORDINALITY AS e(r, n)
                             ORDER BY e.n""")
                    .bind("rows", rows.parameter())
                    .fetch().rowsUpdated().then());
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
