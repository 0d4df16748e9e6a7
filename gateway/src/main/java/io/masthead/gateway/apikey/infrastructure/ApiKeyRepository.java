package io.masthead.gateway.apikey.infrastructure;

import io.masthead.gateway.apikey.model.ApiKey;
import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.apikey.model.PublishableKey;
import io.masthead.gateway.apikey.model.SecretKey;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code api_keys} table. Every query but the authentication lookup is scoped to one site. */
@Repository
public class ApiKeyRepository {

    private static final String COLUMNS = "id, site_id, kind, prefix, hash, created_at, revoked_at, last_used_at";

    private final DatabaseClient db;

    public ApiKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(ApiKey key) {
        return db.sql("INSERT INTO api_keys (" + COLUMNS + ") VALUES "
                        + "(:id, :site_id, :kind, :prefix, :hash, :created_at, NULL, NULL)")
                .bind("id", key.id())
                .bind("site_id", key.siteId())
                .bind("kind", key.kind())
                .bind("prefix", key.prefix())
                .bind("hash", key.hash())
                .bind("created_at", utc(key.createdAt()))
                .then();
    }

    /**
     * The active key with this secret, if any, marking it used at {@code now} in the same statement.
     * Called only when the authentication cache misses, so {@code last_used_at} is as fresh as that cache.
     */
    public Mono<AuthenticatedKey> authenticate(String hash, Instant now) {
        return db.sql("UPDATE api_keys SET last_used_at = :now WHERE hash = :hash AND revoked_at IS NULL "
                        + "RETURNING id, site_id, kind, prefix")
                .bind("now", utc(now))
                .bind("hash", hash)
                .map(row -> {
                    String prefix = row.get("prefix", String.class);
                    return new AuthenticatedKey(row.get("id", String.class), row.get("site_id", String.class),
                            SecretKey.isLivePrefix(prefix) || PublishableKey.isLivePrefix(prefix),
                            row.get("kind", String.class));
                })
                .one();
    }

    /** Whether a key with this secret exists at all, revoked or not. */
    public Mono<Boolean> exists(SecretKey secret) {
        return db.sql("SELECT 1 FROM api_keys WHERE hash = :hash")
                .bind("hash", secret.hash())
                .map(row -> true)
                .first()
                .defaultIfEmpty(false);
    }

    public Mono<ApiKey> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE site_id = :site_id AND id = :id")
                .bind("site_id", siteId)
                .bind("id", id)
                .map(ApiKeyRepository::toApiKey)
                .one();
    }

    /** Up to {@code limit} keys of a site, newest first, older than {@code startingAfter} when given. */
    public Flux<ApiKey> list(String siteId, String startingAfter, int limit) {
        String after = startingAfter == null ? "" : " AND id < :starting_after";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + COLUMNS + " FROM api_keys "
                        + "WHERE site_id = :site_id" + after + " ORDER BY id DESC LIMIT :limit")
                .bind("site_id", siteId)
                .bind("limit", limit);
        if (startingAfter != null) {
            spec = spec.bind("starting_after", startingAfter);
        }
        return spec.map(ApiKeyRepository::toApiKey).all();
    }

    /** Revokes a site's key (keeping the first revocation time if already revoked); empty if no such key. */
    public Mono<ApiKey> revoke(String siteId, String id, Instant now) {
        return db.sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, :now) "
                        + "WHERE site_id = :site_id AND id = :id RETURNING " + COLUMNS)
                .bind("now", utc(now))
                .bind("site_id", siteId)
                .bind("id", id)
                .map(ApiKeyRepository::toApiKey)
                .one();
    }

    private static ApiKey toApiKey(Readable row) {
        return new ApiKey(row.get("id", String.class), row.get("site_id", String.class), row.get("kind", String.class),
                row.get("prefix", String.class), row.get("hash", String.class), instant(row, "created_at"),
                instant(row, "revoked_at"), instant(row, "last_used_at"));
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
