package io.masthead.test.spring.idempotency;

import io.masthead.platform.idempotency.IdempotencyFilter;
import io.masthead.platform.idempotency.SensitiveResponse;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.MutableClock;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A service on the platform with idempotent POSTs, to test {@link IdempotencyFilter} end to end: a create whose
 * transaction first updates the {@code gate} row (a test that holds that row's lock makes it wait, as long as it
 * likes), and two creates whose response carries a secret.
 */
@SpringBootApplication
public class IdempotencySampleApplication {

    /** The clock tests move (leases are measured on it). */
    @Bean
    MutableClock clock() {
        return new MutableClock(Instant.now());
    }

    @Bean
    ApplicationRunner schema(DatabaseClient db) {
        return args -> db.sql("CREATE TABLE IF NOT EXISTS gate (id INT PRIMARY KEY, passes BIGINT NOT NULL)").then()
                .then(db.sql("INSERT INTO gate VALUES (1, 0) ON CONFLICT DO NOTHING").then())
                .then(db.sql("CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, "
                        + "name TEXT NOT NULL)").then())
                .then(db.sql("CREATE TABLE IF NOT EXISTS vaults (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, "
                        + "secret_hash TEXT NOT NULL)").then())
                .block();
    }

    record CreateThing(String name) {
    }

    @RestController
    static class Things {
        private final DatabaseClient db;
        private final TransactionalOperator transaction;

        Things(DatabaseClient db, TransactionalOperator transaction) {
            this.db = db;
            this.transaction = transaction;
        }

        @PostMapping("/v1/things")
        Mono<ResponseEntity<Map<String, Object>>> create(Caller caller, @RequestBody CreateThing body) {
            String id = "thg_" + UUID.randomUUID().toString().replace("-", "");
            return db.sql("UPDATE gate SET passes = passes + 1 WHERE id = 1").then()
                    .then(db.sql("INSERT INTO things (id, site_id, name) VALUES (:id, :site, :name)")
                            .bind("id", id).bind("site", caller.siteId()).bind("name", body.name()).then())
                    .as(transaction::transactional)
                    .thenReturn(ResponseEntity.created(URI.create("/v1/things/" + id))
                            .body(Map.<String, Object>of("id", id, "name", body.name())));
        }

        @PostMapping("/v1/vaults")
        @SensitiveResponse
        Mono<ResponseEntity<Map<String, Object>>> vault(Caller caller) {
            return newVault(caller);
        }

        /** The same, marked per request through the exchange attribute. */
        @PostMapping("/v1/vaults/marked")
        Mono<ResponseEntity<Map<String, Object>>> markedVault(Caller caller, ServerWebExchange exchange) {
            exchange.getAttributes().put(IdempotencyFilter.SENSITIVE_ATTRIBUTE, Boolean.TRUE);
            return newVault(caller);
        }

        private Mono<ResponseEntity<Map<String, Object>>> newVault(Caller caller) {
            String id = "vlt_" + UUID.randomUUID().toString().replace("-", "");
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String shown = "vsec_" + Base64.getEncoder().encodeToString(secret);
            return db.sql("INSERT INTO vaults (id, site_id, secret_hash) VALUES (:id, :site, :hash)")
                    .bind("id", id).bind("site", caller.siteId()).bind("hash", Integer.toHexString(shown.hashCode()))
                    .then()
                    .thenReturn(ResponseEntity.created(URI.create("/v1/vaults/" + id))
                            .body(Map.<String, Object>of("id", id, "secret", shown)));
        }
    }
}
