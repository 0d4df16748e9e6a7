package io.masthead.customer.credential.infrastructure;

import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.customer.credential.model.HashAlgorithm;
import io.masthead.customer.credential.model.StoredPassword;
import io.masthead.platform.validation.Emails;
import java.time.Instant;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Customers' credentials in PostgreSQL (one per customer); every query is scoped to one site. */
@Repository
public class CredentialRepository {

    /** A customer found by email, with its credential if it has one. */
    public record Holder(String customerId, Optional<StoredPassword> password) {
    }

    private final DatabaseClient db;

    public CredentialRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Sets (or replaces) a customer's credential. */
    public Mono<Void> save(String siteId, String customerId, StoredPassword password, Instant now) {
        return db.sql("""
                        INSERT INTO credentials (site_id, customer_id, algorithm, hash, created_at, updated_at)
                        VALUES (:site, :customer, :algorithm, :hash, :now, :now)
                        ON CONFLICT (site_id, customer_id)
                        DO UPDATE SET algorithm = EXCLUDED.algorithm, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at""")
                .bind("site", siteId).bind("customer", customerId)
                .bind("algorithm", password.algorithm().wireName()).bind("hash", password.hash())
                .bind("now", timestamp(now))
                .fetch().rowsUpdated().then();
    }

    /**
     * Replaces the hash {@code expected} by {@code replacement} (a rehash after a login); changes nothing when the
     * credential was set anew in the meantime. Answers whether it replaced it.
     */
    public Mono<Boolean> replace(String siteId, String customerId, StoredPassword expected, StoredPassword replacement,
            Instant now) {
        return db.sql("""
                        UPDATE credentials SET algorithm = :algorithm, hash = :hash, updated_at = :now
                         WHERE site_id = :site AND customer_id = :customer
                           AND algorithm = :expectedAlgorithm AND hash = :expectedHash""")
                .bind("site", siteId).bind("customer", customerId)
                .bind("algorithm", replacement.algorithm().wireName()).bind("hash", replacement.hash())
                .bind("expectedAlgorithm", expected.algorithm().wireName()).bind("expectedHash", expected.hash())
                .bind("now", timestamp(now))
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    public Mono<StoredPassword> find(String siteId, String customerId) {
        return db.sql("SELECT algorithm, hash FROM credentials WHERE site_id = :site AND customer_id = :customer")
                .bind("site", siteId).bind("customer", customerId)
                .map(row -> stored(row.get("algorithm", String.class), row.get("hash", String.class)))
                .one();
    }

    /**
     * The customer of the site with this email, compared by its normalised form ({@link Emails#normalized}, as the
     * gateway counts failed logins), with its credential; empty if none.
     */
    public Mono<Holder> findByEmail(String siteId, String email) {
        return db.sql("""
                        SELECT c.id, k.algorithm, k.hash
                          FROM customers c
                          LEFT JOIN credentials k ON k.site_id = c.site_id AND k.customer_id = c.id
                         WHERE c.site_id = :site AND c.email_key = :emailKey""")
                .bind("site", siteId).bind("emailKey", Emails.normalized(email))
                .map(row -> {
                    String algorithm = row.get("algorithm", String.class);
                    return new Holder(row.get("id", String.class), algorithm == null ? Optional.empty()
                            : Optional.of(stored(algorithm, row.get("hash", String.class))));
                })
                .one();
    }

    private static StoredPassword stored(String algorithm, String hash) {
        return new StoredPassword(HashAlgorithm.parse(algorithm).orElseThrow(
                () -> new IllegalStateException("unknown credential algorithm in the database: " + algorithm)), hash);
    }
}
