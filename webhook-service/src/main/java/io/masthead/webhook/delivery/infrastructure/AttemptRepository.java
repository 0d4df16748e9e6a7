package io.masthead.webhook.delivery.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.webhook.delivery.model.Attempt;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;

/** The attempt log (written by {@link DeliveryRepository#record}); every query is scoped to a site. */
@Repository
public class AttemptRepository {

    private static final String COLUMNS = """
            a.id, a.site_id, a.delivery_id, a.endpoint_id, a.event_id, a.attempt_number, a.url, a.attempted_at,
            a.duration_ms, a.status_code, a.outcome, a.error, a.response_body""";

    private final DatabaseClient db;

    public AttemptRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Newest first, filtered by any of delivery, endpoint, event and outcome; {@code page.fetchSize()} rows. */
    public Flux<Attempt> list(String siteId, String deliveryId, String endpointId, String eventId, String outcome,
            PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM webhook_attempts a
                        WHERE a.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR a.id < :cursor)
                          AND (CAST(:delivery AS TEXT) IS NULL OR a.delivery_id = :delivery)
                          AND (CAST(:endpoint AS TEXT) IS NULL OR a.endpoint_id = :endpoint)
                          AND (CAST(:event AS TEXT) IS NULL OR a.event_id = :event)
                          AND (CAST(:outcome AS TEXT) IS NULL OR a.outcome = :outcome)
                        ORDER BY a.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("delivery", text(deliveryId))
                .bind("endpoint", text(endpointId)).bind("event", text(eventId)).bind("outcome", text(outcome))
                .bind("limit", page.fetchSize())
                .map(AttemptRepository::toAttempt).all();
    }

    static Attempt toAttempt(Readable row) {
        return new Attempt(row.get("id", String.class), row.get("site_id", String.class),
                row.get("delivery_id", String.class), row.get("endpoint_id", String.class),
                row.get("event_id", String.class), row.get("attempt_number", Integer.class), row.get("url", String.class),
                Rows.instant(row, "attempted_at"), row.get("duration_ms", Integer.class),
                row.get("status_code", Integer.class), "succeeded".equals(row.get("outcome", String.class)),
                row.get("error", String.class), row.get("response_body", String.class));
    }
}
