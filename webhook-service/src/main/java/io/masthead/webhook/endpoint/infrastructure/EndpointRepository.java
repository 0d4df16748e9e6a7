package io.masthead.webhook.endpoint.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.webhook.endpoint.model.DisabledReason;
import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EndpointSpec;
import io.masthead.webhook.endpoint.model.EndpointStatus;
import io.masthead.webhook.endpoint.model.SecretRotation.Secret;
import io.masthead.webhook.signing.infrastructure.StoredSecrets;
import io.masthead.platform.crypto.SecretCipher;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Endpoints and their signing secrets in PostgreSQL; every query that serves a caller is scoped to its site. Secrets
 * are stored encrypted ({@link StoredSecrets}) and come out decrypted.
 */
@Repository
public class EndpointRepository {

    private static final String COLUMNS = """
            e.id, e.site_id, e.url, e.description, e.enabled_events, e.metadata, e.ordered, e.status,
            e.disabled_reason, e.failing_since, e.created_at, e.updated_at""";

    private final DatabaseClient db;
    private final StoredSecrets stored;

    public EndpointRepository(DatabaseClient db, StoredSecrets stored) {
        this.db = db;
        this.stored = stored;
    }

    public Mono<Void> insert(Endpoint e) {
        EndpointSpec s = e.spec();
        return db.sql("""
                        INSERT INTO webhook_endpoints (id, site_id, url, description, enabled_events, metadata, ordered,
                            status, disabled_reason, failing_since, created_at, updated_at)
                        VALUES (:id, :site, :url, :description, :events, :metadata, :ordered, :status, :reason,
                            :failingSince, :createdAt, :updatedAt)""")
                .bind("id", e.id()).bind("site", e.siteId()).bind("url", s.url())
                .bind("description", text(s.description()))
                .bind("events", s.enabledEvents().toArray(String[]::new))
                .bind("metadata", Rows.json(s.metadata())).bind("ordered", s.ordered())
                .bind("status", e.status().value())
                .bind("reason", text(e.disabledReason() == null ? null : e.disabledReason().value()))
                .bind("failingSince", instant(e.failingSince()))
                .bind("createdAt", timestamp(e.createdAt())).bind("updatedAt", timestamp(e.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Void> update(Endpoint e) {
        EndpointSpec s = e.spec();
        return db.sql("""
                        UPDATE webhook_endpoints SET url = :url, description = :description, enabled_events = :events,
                            metadata = :metadata, ordered = :ordered, status = :status, disabled_reason = :reason,
                            failing_since = :failingSince, updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id""")
                .bind("id", e.id()).bind("site", e.siteId()).bind("url", s.url())
                .bind("description", text(s.description()))
                .bind("events", s.enabledEvents().toArray(String[]::new))
                .bind("metadata", Rows.json(s.metadata())).bind("ordered", s.ordered())
                .bind("status", e.status().value())
                .bind("reason", text(e.disabledReason() == null ? null : e.disabledReason().value()))
                .bind("failingSince", instant(e.failingSince()))
                .bind("updatedAt", timestamp(e.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Endpoint> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_endpoints e WHERE e.site_id = :site AND e.id = :id")
                .bind("site", siteId).bind("id", id).map(EndpointRepository::toEndpoint).one();
    }

    /** Reads and locks the row for a read-modify-write inside a transaction. */
    public Mono<Endpoint> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS
                        + " FROM webhook_endpoints e WHERE e.site_id = :site AND e.id = :id FOR UPDATE")
                .bind("site", siteId).bind("id", id).map(EndpointRepository::toEndpoint).one();
    }

    /** Newest first; {@code page.fetchSize()} rows. */
    public Flux<Endpoint> list(String siteId, String status, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM webhook_endpoints e
                        WHERE e.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR e.id < :cursor)
                          AND (CAST(:status AS TEXT) IS NULL OR e.status = :status)
                        ORDER BY e.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("status", text(status))
                .bind("limit", page.fetchSize())
                .map(EndpointRepository::toEndpoint).all();
    }

    public Mono<Long> delete(String siteId, String id) {
        return db.sql("DELETE FROM webhook_endpoints WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).fetch().rowsUpdated();
    }

    /** The enabled endpoints of a site whose event patterns share one with {@code patterns}. */
    public Flux<MatchedEndpoint> enabledMatching(String siteId, List<String> patterns) {
        return db.sql("""
                        SELECT id, ordered FROM webhook_endpoints
                         WHERE site_id = :site AND status = 'enabled' AND enabled_events && :patterns""")
                .bind("site", siteId).bind("patterns", patterns.toArray(String[]::new))
                .map(row -> new MatchedEndpoint(row.get("id", String.class), Boolean.TRUE.equals(row.get("ordered", Boolean.class))))
                .all();
    }

    public record MatchedEndpoint(String id, boolean ordered) {
    }

    /**
     * An enabled endpoint as the fan-out needs it: its event patterns, to match events in memory, and what an
     * attempt needs (URL, whether ordered, the active secrets, newest first).
     */
    public record Subscription(String id, String siteId, List<String> enabledEvents, String url, boolean ordered,
            List<String> secrets) {
    }

    /** The enabled endpoints of these sites. */
    public Flux<Subscription> enabledOf(java.util.Collection<String> siteIds, Instant now) {
        return db.sql("""
                        SELECT e.id, e.site_id, e.enabled_events, e.url, e.ordered,
                               (SELECT array_agg(s.secret ORDER BY s.created_at DESC) FROM webhook_endpoint_secrets s
                                 WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > :now)) AS secrets
                          FROM webhook_endpoints e
                         WHERE e.site_id = ANY(CAST(:sites AS text[])) AND e.status = 'enabled'
                         ORDER BY e.id""")
                .bind("sites", siteIds.toArray(String[]::new)).bind("now", timestamp(now))
                .map(row -> {
                    String id = row.get("id", String.class);
                    return new Subscription(id, row.get("site_id", String.class),
                            Arrays.asList(row.get("enabled_events", String[].class)), row.get("url", String.class),
                            Boolean.TRUE.equals(row.get("ordered", Boolean.class)),
                            stored.signing(id, row.get("secrets", String[].class)));
                })
                .all();
    }

    // ------------------------------------------------------------------------------------------------ secrets

    public Mono<Void> insertSecret(String endpointId, Secret secret) {
        return db.sql("""
                        INSERT INTO webhook_endpoint_secrets (id, endpoint_id, secret, created_at, expires_at)
                        VALUES (:id, :endpoint, :secret, :createdAt, :expiresAt)""")
                .bind("id", secret.id()).bind("endpoint", endpointId)
                .bind("secret", stored.encrypt(endpointId, secret.value()))
                .bind("createdAt", timestamp(secret.createdAt())).bind("expiresAt", instant(secret.expiresAt()))
                .fetch().rowsUpdated().then();
    }

    /**
     * Every secret of an endpoint, expired ones included, but for those the configured keys cannot decrypt (logged):
     * they cannot sign, and a rotation then replaces them.
     */
    public Flux<Secret> secrets(String endpointId) {
        return db.sql("""
                        SELECT id, secret, created_at, expires_at FROM webhook_endpoint_secrets
                         WHERE endpoint_id = :endpoint ORDER BY created_at DESC, id DESC""")
                .bind("endpoint", endpointId).map(row -> toSecret(endpointId, row)).all()
                .mapNotNull(secret -> secret.orElse(null));
    }

    /** Replaces an endpoint's secrets by {@code secrets} (those kept get their new expiry). */
    public Mono<Void> replaceSecrets(String endpointId, List<Secret> secrets) {
        String[] keep = secrets.stream().map(Secret::id).toArray(String[]::new);
        Mono<Void> drop = db.sql("DELETE FROM webhook_endpoint_secrets WHERE endpoint_id = :endpoint AND NOT (id = ANY(:keep))")
                .bind("endpoint", endpointId).bind("keep", keep).fetch().rowsUpdated().then();
        return drop.thenMany(Flux.fromIterable(secrets).concatMap(secret -> db.sql("""
                        INSERT INTO webhook_endpoint_secrets (id, endpoint_id, secret, created_at, expires_at)
                        VALUES (:id, :endpoint, :secret, :createdAt, :expiresAt)
                        ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at""")
                .bind("id", secret.id()).bind("endpoint", endpointId)
                .bind("secret", stored.encrypt(endpointId, secret.value()))
                .bind("createdAt", timestamp(secret.createdAt())).bind("expiresAt", instant(secret.expiresAt()))
                .fetch().rowsUpdated())).then();
    }

    /** A secret row as stored (encrypted, or in clear from before encryption), for re-encryption. */
    public record StoredSecret(String id, String endpointId, String value) {
    }

    /** Every stored secret that is not encrypted under the key {@code currentKeyId}. */
    public Flux<StoredSecret> secretsNotUnderKey(String currentKeyId) {
        return db.sql("""
                        SELECT id, endpoint_id, secret FROM webhook_endpoint_secrets
                         WHERE NOT starts_with(secret, :prefix) ORDER BY id""")
                .bind("prefix", SecretCipher.VERSION + ":" + currentKeyId + ":")
                .map(row -> new StoredSecret(row.get("id", String.class), row.get("endpoint_id", String.class),
                        row.get("secret", String.class)))
                .all();
    }

    /**
     * Replaces stored values of secrets ({@code before} by {@code after}, position by position), each only if it
     * is still the value read: a rotation or another instance re-encrypting at the same time wins.
     *
     * @return how many rows were changed
     */
    public Mono<Long> replaceStoredValues(List<StoredSecret> before, List<String> after) {
        if (before.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        UPDATE webhook_endpoint_secrets s SET secret = r.new_value
                          FROM unnest(CAST(:ids AS text[]), CAST(:oldValues AS text[]), CAST(:newValues AS text[]))
                               AS r(id, old_value, new_value)
                         WHERE s.id = r.id AND s.secret = r.old_value""")
                .bind("ids", before.stream().map(StoredSecret::id).toArray(String[]::new))
                .bind("oldValues", before.stream().map(StoredSecret::value).toArray(String[]::new))
                .bind("newValues", after.toArray(String[]::new))
                .fetch().rowsUpdated();
    }

    static Endpoint toEndpoint(Readable row) {
        String[] events = row.get("enabled_events", String[].class);
        EndpointSpec spec = new EndpointSpec(row.get("url", String.class),
                events == null ? List.of() : Arrays.asList(events), row.get("description", String.class),
                Rows.stringMap(row, "metadata"), Boolean.TRUE.equals(row.get("ordered", Boolean.class)));
        return new Endpoint(row.get("id", String.class), row.get("site_id", String.class), spec,
                EndpointStatus.of(row.get("status", String.class)),
                DisabledReason.of(row.get("disabled_reason", String.class)), Rows.instant(row, "failing_since"),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    private Optional<Secret> toSecret(String endpointId, Readable row) {
        return stored.decrypt(endpointId, row.get("secret", String.class)).map(value -> new Secret(
                row.get("id", String.class), value, Rows.instant(row, "created_at"), Rows.instant(row, "expires_at")));
    }

    private static Parameter instant(Instant instant) {
        return Parameter.fromOrEmpty(instant == null ? null : timestamp(instant), java.time.OffsetDateTime.class);
    }
}
