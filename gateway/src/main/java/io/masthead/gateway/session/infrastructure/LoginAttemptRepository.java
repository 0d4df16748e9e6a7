package io.masthead.gateway.session.infrastructure;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code login_attempts} table: attempts that have not succeeded, per (site, scope, subject). Subjects are
 * SHA-256 hex digests, never an email or an address.
 */
@Repository
public class LoginAttemptRepository {

    public static final String SCOPE_CUSTOMER = "customer";
    public static final String SCOPE_IP = "ip";

    private final DatabaseClient db;

    public LoginAttemptRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Records an attempt (before its outcome is known); answers its id. */
    public Mono<Long> record(String siteId, String scope, String subject, Instant at) {
        return db.sql("INSERT INTO login_attempts (site_id, scope, subject, attempted_at) "
                        + "VALUES (:site, :scope, :subject, :at) RETURNING id")
                .bind("site", siteId).bind("scope", scope).bind("subject", subject).bind("at", utc(at))
                .map(row -> row.get("id", Long.class)).one();
    }

    /** The subject's attempts since {@code since} other than {@code except}, newest first, at most {@code limit}. */
    public Flux<Instant> recent(String siteId, String scope, String subject, Instant since, long except, int limit) {
        return db.sql("SELECT attempted_at FROM login_attempts WHERE site_id = :site AND scope = :scope "
                        + "AND subject = :subject AND attempted_at > :since AND id <> :except "
                        + "ORDER BY attempted_at DESC LIMIT :limit")
                .bind("site", siteId).bind("scope", scope).bind("subject", subject).bind("since", utc(since))
                .bind("except", except).bind("limit", limit)
                .map(row -> row.get("attempted_at", OffsetDateTime.class).toInstant()).all();
    }

    public Mono<Void> delete(List<Long> ids) {
        return db.sql("DELETE FROM login_attempts WHERE id = ANY(:ids)").bind("ids", ids.toArray(Long[]::new)).then();
    }

    /** Forgets a subject's failures (a customer who logged in). */
    public Mono<Void> clear(String siteId, String scope, String subject) {
        return db.sql("DELETE FROM login_attempts WHERE site_id = :site AND scope = :scope AND subject = :subject")
                .bind("site", siteId).bind("scope", scope).bind("subject", subject).then();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
