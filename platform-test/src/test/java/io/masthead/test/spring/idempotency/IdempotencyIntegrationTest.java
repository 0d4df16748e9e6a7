package io.masthead.test.spring.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.idempotency.IdempotencyStore;
import io.masthead.platform.idempotency.IdempotencyStore.Claim;
import io.masthead.platform.time.MutableClock;
import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.engines.Engines;
import io.masthead.test.engines.StoredTextScan;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Idempotency-Key} end to end on a service built on the platform, over real HTTP and PostgreSQL: claims end
 * with their request (disconnect, crash through the lease), 409 says when to retry, the first response wins under
 * concurrency, bodies are limited, and a response that carries a secret is stored only encrypted.
 */
@MastheadIntegrationTest(database = "idempotency_sample", properties = {
        "masthead.idempotency.lease=30s",
        "masthead.encryption.keys[0].id=test-k1",
        "masthead.encryption.keys[0].key=yeg3n1FZEMxt6LoQYeusfAo9+9DUldKYhN64u7/obV4="})
@ContextConfiguration(classes = IdempotencySampleApplication.class)
class IdempotencyIntegrationTest {

    private static final String SITE = "site_idem";
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    Environment environment;

    @Autowired
    DatabaseClient db;

    @Autowired
    MutableClock clock;

    @Autowired
    IdempotencyStore store;

    private WebClient http() {
        return WebClient.builder().baseUrl("http://localhost:" + environment.getProperty("local.server.port"))
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(4 << 20))
                .build();
    }

    private ResponseEntity<String> post(String path, String key, Object body) {
        return http().post().uri(path).header("Idempotency-Key", key).bodyValue(body).exchangeToMono(r -> r.toEntity(String.class))
                .block(WAIT);
    }

    private static String thing(String name) {
        return "{\"name\": \"" + name + "\"}";
    }

    private long things(String name) {
        return db.sql("SELECT count(*) AS n FROM things WHERE name = :name").bind("name", name)
                .map(r -> r.get("n", Long.class)).one().block();
    }

    private long keyRows(String key) {
        return db.sql("SELECT count(*) AS n FROM idempotency_keys WHERE site_id = :site AND idempotency_key = :key")
                .bind("site", SITE).bind("key", key).map(r -> r.get("n", Long.class)).one().block();
    }

    private static DatabaseCoordinates database() {
        return Engines.shared().postgres().database("idempotency_sample");
    }

    /** Holds the lock of the {@code gate} row that every {@code POST /v1/things} updates first, until closed. */
    private static Connection holdGate() throws Exception {
        DatabaseCoordinates coordinates = database();
        Connection connection = DriverManager.getConnection(coordinates.jdbcUrl(), coordinates.username(),
                coordinates.password());
        connection.setAutoCommit(false);
        connection.createStatement().execute("SELECT * FROM gate WHERE id = 1 FOR UPDATE");
        return connection;
    }

    /** Waits until {@code n} statements of the service wait for a lock (the gate): a positive marker, no fixed delay. */
    private void awaitWaitingOnGate(int n) {
        // asked on a connection of its own: in the gate's transaction, pg_stat_activity would be a frozen snapshot
        await(() -> db.sql("""
                SELECT count(*) AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE gate%'""")
                .map(r -> r.get("n", Long.class)).one().block() >= n, () -> "a request waiting on the gate; sessions: "
                + db.sql("SELECT string_agg(coalesce(wait_event_type, '-') || ' ' || state || ' ' || left(query, 60), "
                        + "' | ') AS s FROM pg_stat_activity WHERE datname = current_database()")
                        .map(r -> String.valueOf(r.get("s", String.class))).one().block());
    }

    private static void await(BooleanSupplier condition, String what) {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            try {
                Thread.sleep(20); // polling for a condition, not waiting for time to pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aClientThatDisconnectsMidRequestFreesItsKeyAndTheRetrySucceedsAtOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String name = "disconnect-" + key;
        Disposable abandoned;
        try (Connection gate = holdGate()) {
            abandoned = http().post().uri("/v1/things").header("Idempotency-Key", key).bodyValue(thing(name))
                    .retrieve().toBodilessEntity().subscribe(ok -> { }, error -> { });
            awaitWaitingOnGate(1);
            assertThat(keyRows(key)).as("claimed while the request runs").isEqualTo(1);

            abandoned.dispose(); // the client goes away mid-request
            await(() -> keyRows(key) == 0, "the claim of the abandoned request to be released");
            gate.rollback();
        }

        ResponseEntity<String> retry = post("/v1/things", key, thing(name));
        assertThat(retry.getStatusCode().value()).isEqualTo(201);
        assertThat(retry.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        await(() -> db.sql("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock'").map(r -> r.get("n", Long.class)).one().block() == 0,
                "the abandoned statement to finish");
        assertThat(things(name)).as("the abandoned request's transaction rolled back").isEqualTo(1);
        assertThat(post("/v1/things", key, thing(name)).getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
    }

    @Test
    void aClaimLeftByACrashedRequestIsTakenOverOnceItsLeaseHasRunOut() {
        String key = UUID.randomUUID().toString();
        String name = "crash-" + key;
        // what a service killed mid-request leaves: a claim in progress, its lease running, no response
        Instant now = clock.instant();
        db.sql("""
                INSERT INTO idempotency_keys (site_id, idempotency_key, request_hash, created_at, claim_token, lease_until)
                VALUES (:site, :key, :hash, :now, :token, :until)""")
                .bind("site", SITE).bind("key", key).bind("hash", requestHash("/v1/things", thing(name)))
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC)).bind("token", UUID.randomUUID())
                .bind("until", OffsetDateTime.ofInstant(now.plus(LEASE), ZoneOffset.UTC)).then().block();

        ResponseEntity<String> during = post("/v1/things", key, thing(name));
        assertThat(during.getStatusCode().value()).isEqualTo(409);
        assertThat(during.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(during.getBody()).contains("idempotency-key-in-progress");

        clock.advance(LEASE.plusSeconds(1));
        assertThat(post("/v1/things", key, thing("another body")).getStatusCode().value())
                .as("a takeover needs the same body").isEqualTo(422);
        ResponseEntity<String> after = post("/v1/things", key, thing(name));
        assertThat(after.getStatusCode().value()).isEqualTo(201);
        assertThat(after.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(things(name)).isEqualTo(1);
        assertThat(post("/v1/things", key, thing(name)).getBody()).isEqualTo(after.getBody());
    }

    @Test
    void aRequestWhoseLeaseWasTakenOverCannotOverwriteOrFreeTheNewHoldersClaim() {
        String key = UUID.randomUUID().toString();
        Claim.Taken stale = (Claim.Taken) store.claim(SITE, key, "hash-a").block();
        assertThat(store.claim(SITE, key, "hash-a").block()).as("held").isInstanceOf(Claim.Known.class);
        assertThat(store.renew(SITE, key, stale.token()).block()).isTrue();

        clock.advance(LEASE.plusSeconds(1));
        Claim.Taken fresh = (Claim.Taken) store.claim(SITE, key, "hash-a").block();

        assertThat(fresh.token()).isNotEqualTo(stale.token());
        assertThat(store.renew(SITE, key, stale.token()).block()).isFalse();
        assertThat(store.complete(SITE, key, stale.token(), new IdempotencyStore.Response(201, "application/json",
                null, "stale".getBytes(StandardCharsets.UTF_8), null, false)).block()).isFalse();
        store.release(SITE, key, stale.token()).block();
        assertThat(keyRows(key)).as("the stale release freed nothing").isEqualTo(1);
        assertThat(store.complete(SITE, key, fresh.token(), new IdempotencyStore.Response(201, "application/json",
                null, "fresh".getBytes(StandardCharsets.UTF_8), null, false)).block()).isTrue();
        assertThat(new String(store.find(SITE, key).block().body(), StandardCharsets.UTF_8)).isEqualTo("fresh");
        clock.advance(LEASE.plusSeconds(1));
        assertThat(store.claim(SITE, key, "hash-a").block()).as("a completed key is never taken over")
                .isInstanceOf(Claim.Known.class);
    }

    @Test
    void aRequestStillInProgressIsAnswered409WithRetryAfter() throws Exception {
        String key = UUID.randomUUID().toString();
        String name = "slow-" + key;
        try (Connection gate = holdGate()) {
            Mono<ResponseEntity<String>> first = http().post().uri("/v1/things").header("Idempotency-Key", key)
                    .bodyValue(thing(name)).exchangeToMono(r -> r.toEntity(String.class)).cache();
            first.subscribe();
            awaitWaitingOnGate(1);

            ResponseEntity<String> second = post("/v1/things", key, thing(name));
            assertThat(second.getStatusCode().value()).isEqualTo(409);
            assertThat(second.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(second.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");

            gate.rollback();
            assertThat(first.block(WAIT).getStatusCode().value()).isEqualTo(201);
        }
        assertThat(things(name)).isEqualTo(1);
    }

    @Test
    void concurrentIdenticalRequestsExecuteOnceAndTheOthersAreToldWhenToRetry() throws Exception {
        String key = UUID.randomUUID().toString();
        String name = "concurrent-" + key;
        List<ResponseEntity<String>> responses = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Connection gate = holdGate()) {
            // eight at once race for the claim; the winner then waits on the gate while the others are answered
            Flux.range(0, 8)
                    .flatMap(i -> http().post().uri("/v1/things").header("Idempotency-Key", key).bodyValue(thing(name))
                            .exchangeToMono(r -> r.toEntity(String.class)), 8)
                    .subscribe(responses::add);
            awaitWaitingOnGate(1);
            await(() -> responses.size() == 7, "the seven requests that lost the race to be answered");
            for (ResponseEntity<String> lost : List.copyOf(responses)) {
                assertThat(lost.getStatusCode().value()).isEqualTo(409);
                assertThat(lost.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
                assertThat(lost.getBody()).contains("idempotency-key-in-progress");
            }
            gate.rollback();
        }
        await(() -> responses.size() == 8, "the winner to complete");
        ResponseEntity<String> executed = responses.get(7);
        assertThat(executed.getStatusCode().value()).isEqualTo(201);
        assertThat(executed.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(things(name)).isEqualTo(1);

        List<ResponseEntity<String>> retries = Flux.range(0, 7)
                .flatMap(i -> http().post().uri("/v1/things").header("Idempotency-Key", key).bodyValue(thing(name))
                        .exchangeToMono(r -> r.toEntity(String.class)), 7)
                .collectList().block(WAIT);
        for (ResponseEntity<String> retry : retries) {
            assertThat(retry.getStatusCode().value()).isEqualTo(201);
            assertThat(retry.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
            assertThat(retry.getBody()).isEqualTo(executed.getBody());
        }
        assertThat(things(name)).isEqualTo(1);
    }

    @Test
    void concurrentDifferentBodiesWithOneKeyExecuteOneAndRefuseTheOthers() {
        String key = UUID.randomUUID().toString();
        List<String> bodies = List.of(thing("a-" + key), thing("b-" + key));
        record Sent(String body, ResponseEntity<String> response) {
        }
        List<Sent> sent = Flux.range(0, 8)
                .flatMap(i -> http().post().uri("/v1/things").header("Idempotency-Key", key).bodyValue(bodies.get(i % 2))
                        .exchangeToMono(r -> r.toEntity(String.class)).map(r -> new Sent(bodies.get(i % 2), r)), 8)
                .collectList().block(WAIT);

        assertThat(things("a-" + key) + things("b-" + key)).isEqualTo(1);
        List<Sent> executed = sent.stream().filter(s -> s.response().getStatusCode().value() == 201
                && s.response().getHeaders().getFirst("Idempotent-Replayed") == null).toList();
        assertThat(executed).hasSize(1);
        String winner = executed.getFirst().body();
        for (Sent s : sent) {
            int status = s.response().getStatusCode().value();
            if (s.body().equals(winner)) {
                assertThat(status).isIn(201, 409);
            } else {
                assertThat(status).as("another body with the same key").isEqualTo(422);
                assertThat(s.response().getBody()).contains("idempotency-key-reused");
            }
        }
    }

    @Test
    void aCustomersKeysAreItsOwnSoNoOtherCallerReplaysItsResponse() {
        String key = UUID.randomUUID().toString();
        String name = "scoped-" + key;
        java.util.function.Function<String, ResponseEntity<String>> as = token -> http().post().uri("/v1/things")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).header("Idempotency-Key", key)
                .bodyValue(thing(name)).exchangeToMono(r -> r.toEntity(String.class)).block(WAIT);

        ResponseEntity<String> alice = as.apply(TestTokens.customer(SITE, "cus_alice"));
        ResponseEntity<String> bob = as.apply(TestTokens.customer(SITE, "cus_bob"));
        ResponseEntity<String> admin = as.apply(TestTokens.admin(SITE));
        ResponseEntity<String> aliceAgain = as.apply(TestTokens.customer(SITE, "cus_alice"));

        for (ResponseEntity<String> first : List.of(alice, bob, admin)) {
            assertThat(first.getStatusCode().value()).isEqualTo(201);
            assertThat(first.getHeaders().getFirst("Idempotent-Replayed")).isNull();
        }
        assertThat(things(name)).as("each caller's request ran once, none got another's response").isEqualTo(3);
        assertThat(aliceAgain.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(aliceAgain.getBody()).isEqualTo(alice.getBody());
    }

    @Test
    void aBodyOverTheLimitIs413WithNothingStoredAndTheServiceCarriesOn() {
        String key = UUID.randomUUID().toString();
        String huge = thing("x".repeat(2 << 20));

        ResponseEntity<String> declared = post("/v1/things", key, huge);
        assertThat(declared.getStatusCode().value()).isEqualTo(413);
        assertThat(declared.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(declared.getBody()).contains("1048576 bytes").contains("\"field\":\"body\"");

        // streamed without a Content-Length: refused once past the limit, with or without an Idempotency-Key
        for (String withKey : new String[] {key, null}) {
            Flux<DataBuffer> chunks = Flux.range(0, 64).map(i -> DefaultDataBufferFactory.sharedInstance
                    .wrap(("x".repeat(64 << 10)).getBytes(StandardCharsets.US_ASCII)));
            WebClient.RequestBodySpec request = http().post().uri("/v1/things");
            if (withKey != null) {
                request = request.header("Idempotency-Key", withKey);
            }
            ResponseEntity<String> streamed = request.body(chunks, DataBuffer.class)
                    .exchangeToMono(r -> r.toEntity(String.class)).block(WAIT);
            assertThat(streamed.getStatusCode().value()).as("streamed, key %s", withKey).isEqualTo(413);
            assertThat(streamed.getBody()).contains("1048576 bytes");
        }
        assertThat(keyRows(key)).isZero();

        // below the limit but above the codecs' former 256 KB default: read, and the service carries on (the
        // padding is white space: a single text field is limited to 10,000 characters on its own)
        String big = "big-" + UUID.randomUUID();
        String padded = "{\"name\": \"" + big + "\"" + " ".repeat(512 << 10) + "}";
        assertThat(post("/v1/things", key, padded).getStatusCode().value()).isEqualTo(201);
        assertThat(things(big)).isEqualTo(1);
    }

    @Test
    void aResponseThatCarriesASecretIsStoredOnlyEncryptedAndReplayedExactly() {
        for (String path : List.of("/v1/vaults", "/v1/vaults/marked")) {
            String key = UUID.randomUUID().toString();
            ResponseEntity<Map> first = http().post().uri(path).header("Idempotency-Key", key).bodyValue("{}")
                    .retrieve().toEntity(Map.class).block(WAIT);
            String secret = (String) first.getBody().get("secret");
            assertThat(secret).startsWith("vsec_");

            assertThat(StoredTextScan.columnsIn(database())).isPositive();
            assertThat(StoredTextScan.everywhere(database(), StoredTextScan.formsOf(secret))).as(path).isEmpty();
            assertThat(db.sql("SELECT sealed_body FROM idempotency_keys WHERE site_id = :site AND idempotency_key = :key")
                    .bind("site", SITE).bind("key", key).map(r -> r.get("sealed_body", String.class)).one().block())
                    .startsWith("v1:test-k1:");

            ResponseEntity<Map> replay = http().post().uri(path).header("Idempotency-Key", key).bodyValue("{}")
                    .retrieve().toEntity(Map.class).block(WAIT);
            assertThat(replay.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.getStatusCode().value()).isEqualTo(201);
            assertThat(replay.getHeaders().getLocation()).isEqualTo(first.getHeaders().getLocation());
            assertThat(replay.getBody()).isEqualTo(first.getBody());
        }
    }

    static String requestHash(String path, String body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(path.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
