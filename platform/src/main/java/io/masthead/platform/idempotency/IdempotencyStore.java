package io.masthead.platform.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The claims and stored first responses of POSTs, per site and {@code Idempotency-Key}, kept for {@link #RETENTION}.
 *
 * <p>A claim is held by one request, named by its claim token, until a lease ends; the request renews the lease
 * while it runs ({@link #renew}). A claim whose lease ended (its request died with its process) is taken over by
 * the next request with the same request hash. Completing and releasing are fenced by the token: a request whose
 * claim was taken over cannot overwrite or free the new holder's claim.
 */
public class IdempotencyStore {

    public static final Duration RETENTION = Duration.ofHours(24);

    /** What is known of a key: its request hash, and its response once completed. */
    public record Stored(String requestHash, Integer status, String contentType, String location, byte[] body,
            String sealedBody, boolean withheld, Instant leaseUntil, Instant createdAt) {
        boolean completed() {
            return status != null;
        }
    }

    /** A completed response as stored: its body in clear, or sealed (encrypted at rest), or withheld (not kept). */
    public record Response(int status, String contentType, String location, byte[] body, String sealedBody,
            boolean withheld) {
    }

    /** The outcome of {@link #claim}: the key is this request's ({@link Taken}), or it is known ({@link Known}). */
    public sealed interface Claim {
        record Taken(UUID token) implements Claim {
        }

        record Known(Stored stored) implements Claim {
        }

        /** The key was freed between the claim and the look-up: claim again. */
        record Freed() implements Claim {
        }
    }

    private final DatabaseClient db;
    private final Clock clock;
    private final Duration lease;

    public IdempotencyStore(DatabaseClient db, Clock clock) {
        this(db, clock, Duration.ofSeconds(30));
    }

    /** @param lease how long a claim stays held without being renewed (measured on {@code clock}) */
    public IdempotencyStore(DatabaseClient db, Clock clock, Duration lease) {
        this.db = db;
        this.clock = clock;
        this.lease = lease;
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Claims the key for a new request: it is taken when unknown, expired (older than {@link #RETENTION}), or held
     * by a claim whose lease ended and whose request hash is the same; otherwise what is stored is returned
     * ({@link Claim.Freed} when the key was freed between the two steps: the caller claims again).
     */
    public Mono<Claim> claim(String siteId, String key, String requestHash) {
        Instant now = clock.instant();
        UUID token = UUID.randomUUID();
        return db.sql("""
                        INSERT INTO idempotency_keys AS k
                               (site_id, idempotency_key, request_hash, created_at, claim_token, lease_until)
                        VALUES (:site, :key, :hash, :now, :token, :leaseUntil)
                        ON CONFLICT (site_id, idempotency_key) DO UPDATE
                           SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at,
                               claim_token = EXCLUDED.claim_token, lease_until = EXCLUDED.lease_until,
                               status = NULL, content_type = NULL, location = NULL, body = NULL,
                               sealed_body = NULL, body_withheld = false
                         WHERE k.created_at < :expired
                            OR (k.status IS NULL AND k.request_hash = EXCLUDED.request_hash
                                AND (k.lease_until <= :now
                                     OR (k.lease_until IS NULL AND k.created_at <= :unleasedBefore)))
                        RETURNING claim_token""")
                .bind("site", siteId).bind("key", key).bind("hash", requestHash).bind("now", utc(now))
                .bind("token", token).bind("leaseUntil", utc(now.plus(lease)))
                .bind("expired", utc(now.minus(RETENTION))).bind("unleasedBefore", utc(now.minus(lease)))
                .map((row, meta) -> row.get("claim_token", UUID.class))
                .one()
                .<Claim>map(Claim.Taken::new)
                .switchIfEmpty(Mono.defer(() -> find(siteId, key).<Claim>map(Claim.Known::new)
                        .defaultIfEmpty(new Claim.Freed())));
    }

    public Mono<Stored> find(String siteId, String key) {
        return db.sql("""
                        SELECT request_hash, status, content_type, location, body, sealed_body, body_withheld,
                               lease_until, created_at
                          FROM idempotency_keys WHERE site_id = :site AND idempotency_key = :key""")
                .bind("site", siteId).bind("key", key)
                .map((row, meta) -> {
                    OffsetDateTime leaseUntil = row.get("lease_until", OffsetDateTime.class);
                    return new Stored(row.get("request_hash", String.class), row.get("status", Integer.class),
                            row.get("content_type", String.class), row.get("location", String.class),
                            row.get("body", byte[].class), row.get("sealed_body", String.class),
                            Boolean.TRUE.equals(row.get("body_withheld", Boolean.class)),
                            leaseUntil == null ? null : leaseUntil.toInstant(),
                            row.get("created_at", OffsetDateTime.class).toInstant());
                })
                .one();
    }

    /** Extends the lease of the claim {@code token}; false when the claim is no longer this token's. */
    public Mono<Boolean> renew(String siteId, String key, UUID token) {
        return db.sql("""
                        UPDATE idempotency_keys SET lease_until = :leaseUntil
                         WHERE site_id = :site AND idempotency_key = :key AND claim_token = :token
                           AND status IS NULL""")
                .bind("leaseUntil", utc(clock.instant().plus(lease)))
                .bind("site", siteId).bind("key", key).bind("token", token)
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Stores the response of the claim {@code token}; false (nothing written) when the claim is not its own. */
    public Mono<Boolean> complete(String siteId, String key, UUID token, Response response) {
        var spec = db.sql("""
                        UPDATE idempotency_keys SET status = :status, content_type = :type, location = :location,
                               body = :body, sealed_body = :sealed, body_withheld = :withheld, lease_until = NULL
                         WHERE site_id = :site AND idempotency_key = :key AND claim_token = :token
                           AND status IS NULL""")
                .bind("status", response.status()).bind("withheld", response.withheld())
                .bind("site", siteId).bind("key", key).bind("token", token);
        spec = response.contentType() == null ? spec.bindNull("type", String.class)
                : spec.bind("type", response.contentType());
        spec = response.location() == null ? spec.bindNull("location", String.class)
                : spec.bind("location", response.location());
        spec = response.body() == null ? spec.bindNull("body", byte[].class) : spec.bind("body", response.body());
        spec = response.sealedBody() == null ? spec.bindNull("sealed", String.class)
                : spec.bind("sealed", response.sealedBody());
        return spec.fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Frees the key held by claim {@code token} (its request failed or ended); nothing when it is not its own. */
    public Mono<Void> release(String siteId, String key, UUID token) {
        return db.sql("""
                        DELETE FROM idempotency_keys
                         WHERE site_id = :site AND idempotency_key = :key AND claim_token = :token AND status IS NULL""")
                .bind("site", siteId).bind("key", key).bind("token", token).fetch().rowsUpdated().then();
    }

    /** Deletes every key (claim or stored response) older than {@link #RETENTION}; the number deleted. */
    public Mono<Long> purgeExpired() {
        return db.sql("DELETE FROM idempotency_keys WHERE created_at < :expired")
                .bind("expired", OffsetDateTime.ofInstant(clock.instant().minus(RETENTION), ZoneOffset.UTC))
                .fetch().rowsUpdated();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
