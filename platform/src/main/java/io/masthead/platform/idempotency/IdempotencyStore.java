package io.masthead.platform.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The stored first responses of POSTs, per site and {@code Idempotency-Key}, kept for {@link #RETENTION}. */
public class IdempotencyStore {

    public static final Duration RETENTION = Duration.ofHours(24);

    public record Stored(String requestHash, Integer status, String contentType, String location, byte[] body,
            Instant createdAt) {
        boolean completed() {
            return status != null;
        }
    }

    private final DatabaseClient db;
    private final Clock clock;

    public IdempotencyStore(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Claims the key for a new request; false when the key is already known (and not expired). */
    public Mono<Boolean> claim(String siteId, String key, String requestHash) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return db.sql("""
                        DELETE FROM idempotency_keys
                         WHERE site_id = :site AND idempotency_key = :key AND created_at < :expired""")
                .bind("site", siteId).bind("key", key).bind("expired", now.minus(RETENTION))
                .fetch().rowsUpdated()
                .then(db.sql("""
                                INSERT INTO idempotency_keys (site_id, idempotency_key, request_hash, created_at)
                                VALUES (:site, :key, :hash, :now)
                                ON CONFLICT DO NOTHING""")
                        .bind("site", siteId).bind("key", key).bind("hash", requestHash).bind("now", now)
                        .fetch().rowsUpdated())
                .map(rows -> rows == 1);
    }

    public Mono<Stored> find(String siteId, String key) {
        return db.sql("""
                        SELECT request_hash, status, content_type, location, body, created_at
                          FROM idempotency_keys WHERE site_id = :site AND idempotency_key = :key""")
                .bind("site", siteId).bind("key", key)
                .map((row, meta) -> new Stored(row.get("request_hash", String.class), row.get("status", Integer.class),
                        row.get("content_type", String.class), row.get("location", String.class),
                        row.get("body", byte[].class), row.get("created_at", OffsetDateTime.class).toInstant()))
                .one();
    }

    public Mono<Void> complete(String siteId, String key, int status, String contentType, String location,
            byte[] body) {
        var spec = db.sql("""
                        UPDATE idempotency_keys SET status = :status, content_type = :type, location = :location,
                               body = :body
                         WHERE site_id = :site AND idempotency_key = :key""")
                .bind("status", status).bind("body", body).bind("site", siteId).bind("key", key);
        spec = contentType == null ? spec.bindNull("type", String.class) : spec.bind("type", contentType);
        spec = location == null ? spec.bindNull("location", String.class) : spec.bind("location", location);
        return spec.fetch().rowsUpdated().then();
    }

    public Mono<Void> release(String siteId, String key) {
        return db.sql("DELETE FROM idempotency_keys WHERE site_id = :site AND idempotency_key = :key AND status IS NULL")
                .bind("site", siteId).bind("key", key).fetch().rowsUpdated().then();
    }

    public Mono<Long> purgeExpired() {
        return db.sql("DELETE FROM idempotency_keys WHERE created_at < :expired")
                .bind("expired", OffsetDateTime.ofInstant(clock.instant().minus(RETENTION), ZoneOffset.UTC))
                .fetch().rowsUpdated();
    }
}
