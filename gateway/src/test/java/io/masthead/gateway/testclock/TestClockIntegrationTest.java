package io.masthead.gateway.testclock;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.Topics;
import io.masthead.events.site.TestClockReady;
import io.masthead.gateway.site.application.SiteService;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.gateway.site.model.SiteWithKey;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.security.PemKeys;
import io.masthead.platform.time.SiteTime;
import io.masthead.test.clock.ClockTestService;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Test clocks through the gateway's API against real engines, with a small real service behind it as the one
 * participant (its own database, due work and {@code /internal/clock} endpoints, verifying the gateway's tokens).
 */
@MastheadIntegrationTest(database = "gateway_clock", properties = {
        "masthead.gateway.test-clock.participants=customer-service",
        "masthead.gateway.test-clock.poll-interval=200ms",
        "masthead.gateway.test-clock.retry-backoff=500ms",
        "masthead.gateway.test-clock.max-rounds-per-step=10",
        "masthead.gateway.test-clock.max-attempts=2",
        "masthead.gateway.test-clock.max-concurrent-advances=" + TestClockIntegrationTest.CAP,
        "masthead.gateway.test-clock.capacity-retry-after=7s"})
class TestClockIntegrationTest {

    static final int CAP = 30;

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    static final KeyPair signingKeys = PemKeys.generateRsa();
    static ClockTestService.Running service;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        Path directory;
        try {
            directory = Files.createTempDirectory("masthead-test-clock-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path privateKey = directory.resolve("jwt-private.pem");
        Path publicKey = directory.resolve("jwt-public.pem");
        PemKeys.writePrivate(privateKey, signingKeys.getPrivate());
        PemKeys.writePublic(publicKey, signingKeys.getPublic());
        service = ClockTestService.start("clock-participant", "clock_participant", false,
                publicKey.toUri().toString());
        registry.add("masthead.gateway.jwt.private-key-location", () -> privateKey.toUri().toString());
        registry.add("masthead.gateway.routes.customer-service", () -> service.uri().toString());
    }

    @AfterAll
    static void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Autowired
    WebTestClient web;

    @Autowired
    SiteService sites;

    @Autowired
    DatabaseClient db;

    @Test
    void anAdvanceMovesTheServicesThroughTheirDueWorkAndEndsReadyWithAnEvent() {
        SiteWithKey site = newSite(SiteMode.TEST);
        String siteId = site.site().id();
        String key = site.key().secret().reveal();

        Map<String, Object> before = web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(before).containsEntry("object", "test_clock").containsEntry("status", "ready")
                .containsEntry("site_id", siteId).containsEntry("advancing_to", null);
        Instant start = Instant.parse((String) before.get("now"));
        assertThat(start).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));

        service.schedule(siteId, ClockTestService.NOTE, "day 3 of " + siteId, start.plus(Duration.ofDays(3)));
        service.schedule(siteId, ClockTestService.NOTE, "day 30 of " + siteId, start.plus(Duration.ofDays(30)));
        service.schedule(siteId, ClockTestService.NOTE, "day 50 of " + siteId, start.plus(Duration.ofDays(50)));

        try (var probe = TopicProbe.avro(Topics.SITES.topicName())) {
            Map<String, Object> accepted = web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"by\": \"P40D\"}").exchange()
                    .expectStatus().isAccepted()
                    .expectBody(JSON).returnResult().getResponseBody();
            assertThat(accepted).containsEntry("status", "advancing");
            Instant from = Instant.parse((String) accepted.get("now"));
            Instant target = Instant.parse((String) accepted.get("advancing_to"));
            assertThat(target).isEqualTo(from.plus(Duration.ofDays(40)));

            ConsumerRecord<String, Object> ready = probe.awaitOne(TopicProbe.key(siteId), Duration.ofMinutes(2));
            TestClockReady event = (TestClockReady) ready.value();
            assertThat(event.getHeader().getEventType()).isEqualTo("test_clock.ready");
            assertThat(event.getHeader().getSiteId()).isEqualTo(siteId);
            assertThat(event.getHeader().getProducer()).isEqualTo("gateway");
            assertThat(event.getHeader().getLivemode()).isFalse();
            assertThat(event.getHeader().getOccurredAt()).isEqualTo(target);
            assertThat(event.getTestClock().getNow()).isEqualTo(target);
            assertThat(event.getTestClock().getStatus()).isEqualTo("ready");

            assertThat(ClockTestService.JOURNAL).filteredOn(entry -> entry.contains(siteId)).containsExactly(
                    "clock-participant: day 3 of " + siteId + " at " + start.plus(Duration.ofDays(3)),
                    "clock-participant: day 30 of " + siteId + " at " + start.plus(Duration.ofDays(30)));

            web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(key)).exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("ready")
                    .jsonPath("$.advancing_to").isEmpty()
                    .jsonPath("$.now").value(now -> assertThat(Instant.parse((String) now))
                            .isBetween(target, target.plusSeconds(60)));
            // released at the target: the service's time for the site runs on from there
            Instant serviceNow = service.context().getBean(SiteTime.class).now(siteId, false)
                    .block(Duration.ofSeconds(5));
            assertThat(serviceNow).isBetween(target, target.plusSeconds(60));
        }
    }

    @Test
    void anAdvancingClockLeftByAStoppedGatewayIsResumedFromItsLastStep() {
        SiteWithKey site = newSite(SiteMode.TEST);
        String siteId = site.site().id();
        Instant reached = Instant.now().plus(Duration.ofDays(400)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant target = reached.plus(Duration.ofDays(5));
        service.schedule(siteId, ClockTestService.NOTE, "resumed work of " + siteId, reached.plus(Duration.ofDays(2)));

        try (var probe = TopicProbe.avro(Topics.SITES.topicName())) {
            // what an instance that died mid-advance leaves: advancing, its lease run out
            db.sql("""
                    INSERT INTO test_clocks (site_id, status, simulated_at, advancing_to, lease_owner, lease_until,
                                             attempts, updated_at)
                    VALUES (:site, 'advancing', :reached, :target, 'gateway-gone', :expired, 1, :reached)""")
                    .bind("site", siteId).bind("reached", Rows.timestamp(reached))
                    .bind("target", Rows.timestamp(target))
                    .bind("expired", Rows.timestamp(Instant.now().minusSeconds(1)))
                    .fetch().rowsUpdated().block(Duration.ofSeconds(5));

            web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(site.key().secret().reveal())).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.now").isEqualTo(reached.toString());

            TestClockReady event = (TestClockReady) probe.awaitOne(TopicProbe.key(siteId), Duration.ofMinutes(2))
                    .value();
            assertThat(event.getTestClock().getNow()).isEqualTo(target);
        }
        assertThat(ClockTestService.JOURNAL).filteredOn(entry -> entry.contains(siteId)).containsExactly(
                "clock-participant: resumed work of " + siteId + " at " + reached.plus(Duration.ofDays(2)));
        web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(site.key().secret().reveal())).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("ready");
    }

    @Test
    void aLiveModeSiteHasNoTestClock() {
        String key = newSite(SiteMode.LIVE).key().secret().reveal();

        web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:test-mode-only");
        web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"by\": \"P1D\"}").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:test-mode-only");
    }

    @Test
    void badAdvancesAreRefusedNamingTheFieldAndChangeNothing() {
        SiteWithKey site = newSite(SiteMode.TEST);
        String key = site.key().secret().reveal();

        refused(key, "{}", "to", "by");
        refused(key, "{\"to\": \"2040-01-01T00:00:00Z\", \"by\": \"P1D\"}", "to", "by");
        refused(key, "{\"to\": \"next tuesday\"}", "to");
        refused(key, "{\"by\": \"30 days\"}", "by");
        refused(key, "{\"by\": \"-P1D\"}", "by");
        refused(key, "{\"by\": \"PT0S\"}", "by");
        refused(key, "{\"to\": \"2001-01-01T00:00:00Z\"}", "to");
        refused(key, "{\"to\": \"" + Instant.now().plus(Duration.ofDays(366L * 60)) + "\"}", "to");
        web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"by\": \"P1D\", \"speed\": 2}").exchange()
                .expectStatus().isBadRequest();

        Long rows = db.sql("SELECT count(*) AS n FROM test_clocks WHERE site_id = :site AND status = 'advancing'")
                .bind("site", site.site().id()).map(row -> row.get("n", Long.class)).one()
                .block(Duration.ofSeconds(5));
        assertThat(rows).isZero();
        web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("ready");
    }

    @Test
    void aSecondAdvanceWhileOneRunsIsAConflict() {
        SiteWithKey site = newSite(SiteMode.TEST);
        String key = site.key().secret().reveal();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // an advance held by another, live instance (its lease current): this one leaves it alone
        advancingElsewhere(site.site().id(), now);

        web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"by\": \"P2D\"}").exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:test-clock-advancing");
        web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("advancing")
                .jsonPath("$.advancing_to").isEqualTo(now.plus(Duration.ofDays(1)).toString());
    }

    @Test
    void anAdvanceThatKeepsFailingEndsFailedWhereItStoodAndANewAdvanceRecovers() {
        SiteWithKey site = newSite(SiteMode.TEST);
        String siteId = site.site().id();
        String key = site.key().secret().reveal();
        Instant start = Instant.parse((String) clock(key).get("now"));
        // work of the site the participant never gets done: due on day 2, held by another instance for an hour
        DatabaseClient serviceDb = service.context().getBean(DatabaseClient.class);
        serviceDb.sql("""
                INSERT INTO due_work (site_id, livemode, kind, key, due_at, lease_token, lease_until)
                VALUES (:site, false, :kind, :key, :due, :token, :until)""")
                .bind("site", siteId).bind("kind", ClockTestService.NOTE).bind("key", "stuck of " + siteId)
                .bind("due", Rows.timestamp(start.plus(Duration.ofDays(2))))
                .bind("token", java.util.UUID.randomUUID())
                .bind("until", Rows.timestamp(Instant.now().plus(Duration.ofHours(1))))
                .fetch().rowsUpdated().block(Duration.ofSeconds(5));

        Map<String, Object> accepted = advance(key, "{\"by\": \"P5D\"}");
        Instant from = Instant.parse((String) accepted.get("now"));
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
                .until(() -> "failed".equals(clock(key).get("status")));
        Map<String, Object> failed = clock(key);
        assertThat(failed).containsEntry("advancing_to", null).containsEntry("last_error", null)
                .containsEntry("now", from.toString());
        assertThat((String) failed.get("failure")).contains("gave up after 2 attempts")
                .contains(from.plus(Duration.ofDays(5)).toString()).contains("customer-service waits for due work");
        // it stays failed (no further attempt) and the time stands where every service last settled
        assertThat(db.sql("SELECT attempts FROM test_clocks WHERE site_id = :site").bind("site", siteId)
                .map(row -> row.get("attempts", Integer.class)).one().block(Duration.ofSeconds(5))).isEqualTo(2);

        // the stuck work is gone: a new advance starts from where the clock stands and completes
        serviceDb.sql("DELETE FROM due_work WHERE site_id = :site").bind("site", siteId).fetch().rowsUpdated()
                .block(Duration.ofSeconds(5));
        try (var probe = TopicProbe.avro(Topics.SITES.topicName())) {
            Map<String, Object> again = advance(key, "{\"by\": \"P5D\"}");
            assertThat(again).containsEntry("status", "advancing").containsEntry("now", from.toString())
                    .containsEntry("failure", null);
            TestClockReady ready = (TestClockReady) probe.awaitOne(TopicProbe.key(siteId), Duration.ofMinutes(2))
                    .value();
            assertThat(ready.getTestClock().getNow()).isEqualTo(from.plus(Duration.ofDays(5)));
        }
        assertThat(clock(key)).containsEntry("status", "ready").containsEntry("failure", null);
    }

    @Autowired
    io.masthead.gateway.testclock.infrastructure.TestClockRepository clocks;

    @Test
    void onlyFailuresWithoutProgressCountTowardsGivingUp() {
        String siteId = newSite(SiteMode.TEST).site().id();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String owner = "gateway-attempts-test";
        // an advance this test holds (a lease of an hour; this gateway's runner leaves it alone)
        db.sql("""
                INSERT INTO test_clocks (site_id, status, simulated_at, advancing_to, updated_at)
                VALUES (:site, 'advancing', :now, :target, :now)""")
                .bind("site", siteId).bind("now", Rows.timestamp(now))
                .bind("target", Rows.timestamp(now.plus(Duration.ofDays(10))))
                .fetch().rowsUpdated().block(Duration.ofSeconds(5));
        Runnable hold = () -> db.sql("UPDATE test_clocks SET lease_owner = :owner, lease_until = :until, "
                        + "retry_at = NULL WHERE site_id = :site")
                .bind("site", siteId).bind("owner", owner)
                .bind("until", Rows.timestamp(Instant.now().plus(Duration.ofHours(1))))
                .fetch().rowsUpdated().block(Duration.ofSeconds(5));
        java.util.function.Supplier<Integer> attempts = () -> db.sql(
                        "SELECT attempts FROM test_clocks WHERE site_id = :site").bind("site", siteId)
                .map(row -> row.get("attempts", Integer.class)).one().block(Duration.ofSeconds(5));
        java.util.function.Supplier<Boolean> fail = () -> {
            hold.run();
            Instant wall = Instant.now();
            // the retry an hour away: nothing takes the advance up meanwhile
            return clocks.failed(siteId, owner, "boom", "gave up", 2, wall.plus(Duration.ofHours(1)), wall)
                    .block(Duration.ofSeconds(5));
        };
        // a failure counts; a step forward forgets it: failures with progress in between never give up
        for (int day = 1; day <= 3; day++) {
            assertThat(fail.get()).isFalse();
            assertThat(attempts.get()).isEqualTo(1);
            hold.run();
            assertThat(clocks.recordStep(siteId, owner, now.plus(Duration.ofDays(day)), Instant.now())
                    .block(Duration.ofSeconds(5))).isTrue();
            assertThat(attempts.get()).isZero();
        }
        // a step that does not move the clock is no progress
        assertThat(fail.get()).isFalse();
        hold.run();
        clocks.recordStep(siteId, owner, now.plus(Duration.ofDays(3)), Instant.now()).block(Duration.ofSeconds(5));
        assertThat(attempts.get()).isEqualTo(1);
        // the max-attempts-th (2) failure in a row without progress gives up
        assertThat(fail.get()).isTrue();
        assertThat(db.sql("SELECT status FROM test_clocks WHERE site_id = :site").bind("site", siteId)
                .map(row -> row.get("status", String.class)).one().block(Duration.ofSeconds(5))).isEqualTo("failed");
    }

    @Test
    void advancesBeyondTheCapAcrossSitesAreRefusedWithRetryAfterAndChangeNothing() {
        java.util.List<String> fillers = new java.util.ArrayList<>();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        SiteWithKey site = newSite(SiteMode.TEST);
        String key = site.key().secret().reveal();
        try {
            // other sites' advances, held by another live instance, fill the platform up to its cap on their own
            // (whatever other tests' clocks do meanwhile: one that ends cannot make room)
            for (long i = 0; i < CAP; i++) {
                String filler = newSite(SiteMode.TEST).site().id();
                fillers.add(filler);
                advancingElsewhere(filler, now);
            }
            web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"by\": \"P1D\"}").exchange()
                    .expectStatus().isEqualTo(429)
                    .expectHeader().valueEquals("Retry-After", "7")
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:test-clock-capacity");
            assertThat(clock(key)).containsEntry("status", "ready");
        } finally {
            db.sql("DELETE FROM test_clocks WHERE site_id = ANY(:sites)")
                    .bind("sites", fillers.toArray(String[]::new)).fetch().rowsUpdated()
                    .block(Duration.ofSeconds(5));
        }
        // with room again, the same advance is accepted
        assertThat(advance(key, "{\"by\": \"P1D\"}")).containsEntry("status", "advancing");
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
                .until(() -> "ready".equals(clock(key).get("status")));
    }

    /** An advance of {@code siteId} to a day after {@code now}, held by another, live instance (lease: an hour). */
    private void advancingElsewhere(String siteId, Instant now) {
        db.sql("""
                INSERT INTO test_clocks (site_id, status, simulated_at, advancing_to, lease_owner, lease_until,
                                         updated_at)
                VALUES (:site, 'advancing', :now, :target, 'gateway-elsewhere', :lease, :now)""")
                .bind("site", siteId).bind("now", Rows.timestamp(now))
                .bind("target", Rows.timestamp(now.plus(Duration.ofDays(1))))
                .bind("lease", Rows.timestamp(now.plus(Duration.ofHours(1))))
                .fetch().rowsUpdated().block(Duration.ofSeconds(5));
    }

    private Map<String, Object> clock(String key) {
        return web.get().uri("/v1/test_clock").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> advance(String key, String body) {
        return web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(JSON).returnResult().getResponseBody();
    }

    @Test
    void theServicesClockEndpointsAreNotReachableThroughTheGateway() {
        String key = newSite(SiteMode.TEST).key().secret().reveal();
        web.post().uri("/internal/clock/steps").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void theGatewaysDocumentShowsTheTestClockWithItsTrueResponses() {
        String problem = "#/components/schemas/Problem";
        web.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/v1/test_clock'].get.operationId").isEqualTo("getTestClock")
                .jsonPath("$.paths['/v1/test_clock'].get.responses['200'].content['application/json'].schema.$ref")
                .isEqualTo("#/components/schemas/TestClock")
                .jsonPath("$.paths['/v1/test_clock'].get.responses['403'].content['application/problem+json']"
                        + ".schema.$ref").isEqualTo(problem)
                .jsonPath("$.paths['/v1/test_clock'].get.responses['401']").exists()
                .jsonPath("$.paths['/v1/test_clock/advance'].post.operationId").isEqualTo("advanceTestClock")
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['202'].content['application/json']"
                        + ".schema.$ref").isEqualTo("#/components/schemas/TestClock")
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['200']").doesNotExist()
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['409'].content['application/problem+json']"
                        + ".schema.$ref").isEqualTo(problem)
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['422'].content['application/problem+json']"
                        + ".schema.$ref").isEqualTo(problem)
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['403']").exists()
                .jsonPath("$.paths['/v1/test_clock/advance'].post.requestBody.content['application/json'].schema.$ref")
                .isEqualTo("#/components/schemas/TestClockAdvance")
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['429'].content['application/problem+json']"
                        + ".schema.$ref").isEqualTo(problem)
                .jsonPath("$.paths['/v1/test_clock/advance'].post.responses['429'].headers['Retry-After']").exists()
                .jsonPath("$.components.schemas.TestClock.properties.advancing_to").exists()
                .jsonPath("$.components.schemas.TestClock.properties.failure").exists()
                .jsonPath("$.components.schemas.TestClock.properties.status.enum[2]").isEqualTo("failed")
                .jsonPath("$.components.schemas.TestClockAdvance.properties.by.example").isEqualTo("P30D")
                .jsonPath("$.paths['/internal/clock/steps']").doesNotExist();
    }

    private void refused(String key, String body, String... fields) {
        var response = web.post().uri("/v1/test_clock/advance").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody();
        for (int i = 0; i < fields.length; i++) {
            response.jsonPath("$.errors[" + i + "].field").isEqualTo(fields[i]);
        }
        response.jsonPath("$.errors.length()").isEqualTo(fields.length);
    }

    private SiteWithKey newSite(SiteMode mode) {
        return sites.create("Clock " + mode.value(), mode).block(Duration.ofSeconds(10));
    }
}
