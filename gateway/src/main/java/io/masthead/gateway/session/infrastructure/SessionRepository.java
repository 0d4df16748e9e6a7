package io.masthead.gateway.session.infrastructure;

import io.masthead.gateway.session.model.CustomerSession;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The {@code customer_sessions} table: sessions by the hash of their token. */
@Repository
public class SessionRepository {

    private static final String COLUMNS = "id, site_id, livemode, customer_id, origin, api_key_id, created_at, "
            + "expires_at, revoked_at";

    private final DatabaseClient db;

    public SessionRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(CustomerSession session, String hash, Instant wall) {
        return db.sql("INSERT INTO customer_sessions (" + COLUMNS + ", hash, created_at_wall) VALUES (:id, :site, "
                        + ":livemode, :customer, :origin, :key, :created, :expires, NULL, :hash, :wall)")
                .bind("id", session.id()).bind("site", session.siteId()).bind("livemode", session.livemode())
                .bind("customer", session.customerId()).bind("origin", session.origin())
                .bind("key", session.apiKeyId()).bind("created", utc(session.createdAt()))
                .bind("expires", utc(session.expiresAt())).bind("hash", hash).bind("wall", utc(wall))
                .then();
    }

    /**
     * The session of this token hash; empty when there is none, or when the API key it was created with (the
     * publishable key of a login, the secret key of a support session) has been revoked: revoking a key ends its
     * sessions.
     */
    public Mono<CustomerSession> findByHash(String hash) {
        return db.sql("SELECT " + prefixed("s") + " FROM customer_sessions s JOIN api_keys k ON k.id = s.api_key_id "
                        + "WHERE s.hash = :hash AND k.revoked_at IS NULL")
                .bind("hash", hash).map(SessionRepository::toSession).one();
    }

    /** Revokes every active session of a customer; answers how many. */
    public Mono<Long> revokeAllOf(String siteId, String customerId, Instant now) {
        return db.sql("UPDATE customer_sessions SET revoked_at = :now "
                        + "WHERE site_id = :site AND customer_id = :customer AND revoked_at IS NULL")
                .bind("now", utc(now)).bind("site", siteId).bind("customer", customerId)
                .fetch().rowsUpdated();
    }

    /** Revokes every active session created with an API key (the key was revoked); answers how many. */
    public Mono<Long> revokeAllOfKey(String apiKeyId, Instant now) {
        return db.sql("UPDATE customer_sessions SET revoked_at = :now WHERE api_key_id = :key AND revoked_at IS NULL")
                .bind("now", utc(now)).bind("key", apiKeyId)
                .fetch().rowsUpdated();
    }

    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(", ")).map(c -> alias + "." + c)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Revokes a session (keeping the first revocation time); empty when there is no such session. */
    public Mono<CustomerSession> revoke(String siteId, String id, Instant now) {
        return db.sql("UPDATE customer_sessions SET revoked_at = COALESCE(revoked_at, :now) "
                        + "WHERE site_id = :site AND id = :id RETURNING " + COLUMNS)
                .bind("now", utc(now)).bind("site", siteId).bind("id", id)
                .map(SessionRepository::toSession).one();
    }

    private static CustomerSession toSession(Readable row) {
        return new CustomerSession(row.get("id", String.class), row.get("site_id", String.class),
                Boolean.TRUE.equals(row.get("livemode", Boolean.class)), row.get("customer_id", String.class),
                row.get("origin", String.class), row.get("api_key_id", String.class), instant(row, "created_at"),
                instant(row, "expires_at"), instant(row, "revoked_at"));
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
