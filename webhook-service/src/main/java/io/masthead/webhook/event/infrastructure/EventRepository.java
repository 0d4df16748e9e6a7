package io.masthead.webhook.event.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.webhook.event.model.WebhookEvent;
import io.r2dbc.spi.Readable;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Events received, with their webhook payload. */
@Repository
public class EventRepository {

    private static final String COLUMNS = """
            v.id, v.event_id, v.site_id, v.type, v.ordering_key, v.payload, v.occurred_at, v.received_at""";

    private final DatabaseClient db;

    public EventRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(WebhookEvent e) {
        return db.sql("""
                        INSERT INTO webhook_events (id, event_id, site_id, type, ordering_key, payload, occurred_at, received_at)
                        VALUES (:id, :eventId, :site, :type, :key, :payload, :occurredAt, :receivedAt)""")
                .bind("id", e.id()).bind("eventId", e.sourceEventId()).bind("site", e.siteId()).bind("type", e.type())
                .bind("key", text(e.orderingKey())).bind("payload", e.payload())
                .bind("occurredAt", timestamp(e.occurredAt())).bind("receivedAt", timestamp(e.receivedAt()))
                .fetch().rowsUpdated().then();
    }

    /** Inserts several events with one statement. */
    public Mono<Long> insertAll(java.util.List<WebhookEvent> events) {
        if (events.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        INSERT INTO webhook_events (id, event_id, site_id, type, ordering_key, payload, occurred_at, received_at)
                        SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:eventIds AS uuid[]), CAST(:sites AS text[]),
                            CAST(:types AS text[]), CAST(:keys AS text[]), CAST(:payloads AS text[]),
                            CAST(:occurredAt AS timestamptz[]), CAST(:receivedAt AS timestamptz[]))""")
                .bind("ids", events.stream().map(WebhookEvent::id).toArray(String[]::new))
                .bind("eventIds", events.stream().map(e -> e.sourceEventId().toString()).toArray(String[]::new))
                .bind("sites", events.stream().map(WebhookEvent::siteId).toArray(String[]::new))
                .bind("types", events.stream().map(WebhookEvent::type).toArray(String[]::new))
                .bind("keys", events.stream().map(WebhookEvent::orderingKey).toArray(String[]::new))
                .bind("payloads", events.stream().map(WebhookEvent::payload).toArray(String[]::new))
                .bind("occurredAt", events.stream().map(e -> e.occurredAt().toString()).toArray(String[]::new))
                .bind("receivedAt", events.stream().map(e -> e.receivedAt().toString()).toArray(String[]::new))
                .fetch().rowsUpdated();
    }

    public Mono<WebhookEvent> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_events v WHERE v.site_id = :site AND v.id = :id")
                .bind("site", siteId).bind("id", id).map(EventRepository::toEvent).one();
    }

    /** Newest first, optionally of one type; {@code page.fetchSize()} rows. */
    public Flux<WebhookEvent> list(String siteId, String type, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM webhook_events v
                        WHERE v.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR v.id < :cursor)
                          AND (CAST(:type AS TEXT) IS NULL OR v.type = :type)
                        ORDER BY v.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("type", text(type))
                .bind("limit", page.fetchSize())
                .map(EventRepository::toEvent).all();
    }

    static WebhookEvent toEvent(Readable row) {
        return new WebhookEvent(row.get("id", String.class), row.get("event_id", UUID.class),
                row.get("site_id", String.class), row.get("type", String.class), row.get("ordering_key", String.class),
                row.get("payload", String.class), Rows.instant(row, "occurred_at"), Rows.instant(row, "received_at"));
    }
}
