package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.test.management.ManagementSurface;
import io.masthead.webhook.signing.application.SecretReEncryption;
import io.masthead.webhook.support.DomainEvents;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestReceiver.Reply;
import io.masthead.webhook.support.TestSecretKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events from Kafka to a local receiver: signatures, secrets encrypted at rest, retries, timeouts, 410, redirects,
 * order, rotation.
 */
class WebhookDeliveryIntegrationTest extends WebhookIntegrationTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CURRENT_PREFIX = "v1:" + TestSecretKeys.CURRENT_ID + ":";

    @Autowired
    DatabaseClient db;

    @Autowired
    SecretReEncryption reEncryption;

    /** The values stored in the endpoint's secret rows. */
    private Flux<String> storedSecrets(String endpointId) {
        return db.sql("SELECT secret FROM webhook_endpoint_secrets WHERE endpoint_id = :id")
                .bind("id", endpointId).map(row -> row.get("secret", String.class)).all();
    }

    private void storeSecret(String endpointId, String value) {
        StepVerifier.create(db.sql("UPDATE webhook_endpoint_secrets SET secret = :value WHERE endpoint_id = :id")
                        .bind("value", value).bind("id", endpointId).fetch().rowsUpdated())
                .expectNext(1L).verifyComplete();
    }

    private String ping(String site, String endpointId) {
        return post(site, "/v1/webhook_endpoints/" + endpointId + "/ping").exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    @Test
    void secretsAreStoredEncryptedForTheirEndpointOnlyAndDeliveriesVerifyWithTheSecretShown() {
        String site = newSite();
        Map<String, Object> a = endpoint(site, "/at-rest-a", "[\"customer.created\"]");
        Map<String, Object> b = endpoint(site, "/at-rest-b", "[\"customer.created\"]");
        String aId = a.get("id").toString();
        String bId = b.get("id").toString();
        String aSecret = a.get("secret").toString();
        String bSecret = b.get("secret").toString();

        // the column holds AES-GCM ciphertext under the current key, never the secret the API showed
        String[] aStored = new String[1];
        StepVerifier.create(storedSecrets(aId)).assertNext(stored -> {
            assertThat(stored).startsWith(CURRENT_PREFIX).doesNotContain(aSecret)
                    .doesNotContain(aSecret.substring("whsec_".length()));
            assertThat(TestSecretKeys.current().decrypt(aId, stored)).isEqualTo(aSecret);
            aStored[0] = stored;
        }).verifyComplete();
        StepVerifier.create(storedSecrets(bId))
                .assertNext(stored -> assertThat(stored).startsWith(CURRENT_PREFIX).doesNotContain(bSecret))
                .verifyComplete();

        // events (secrets read at intake) and pings (secrets read by the claim) verify with the secrets shown
        events.created(site, DomainEvents.customer("cus_at_rest1", "r1@example.com", clock.instant()), clock.instant());
        ping(site, aId);
        assertThat(awaitRequests("/at-rest-a", 2)).hasSize(2).allMatch(r -> signedWith(r, aSecret));
        assertThat(awaitRequests("/at-rest-b", 1)).hasSize(1).allMatch(r -> signedWith(r, bSecret));

        // A's ciphertext copied into B's row does not decrypt there: B has no secret to sign with and sends nothing
        storeSecret(bId, aStored[0]);
        Map<String, Object> unsigned = awaitDelivery(site, ping(site, bId), 1, "pending");
        assertThat(unsigned.get("last_error")).isEqualTo("the endpoint has no active signing secret");
        assertThat(receiver.requests("/at-rest-b")).hasSize(1);
        json(post(site, "/v1/webhook_endpoints/" + bId + "/disable")); // fails that delivery, and its retries
        json(post(site, "/v1/webhook_endpoints/" + bId + "/enable"));
        // rotating replaces the unreadable secret: B signs again, with the new secret alone
        String bRotated = json(post(site, "/v1/webhook_endpoints/" + bId + "/rotate_secret")).get("secret").toString();
        ping(site, bId);
        TestReceiver.Request repaired = awaitRequests("/at-rest-b", 2).get(1);
        assertThat(repaired.header("webhook-signature").split(" ")).hasSize(1);
        assertThat(signedWith(repaired, bRotated)).isTrue();

        // rows from before encryption (in clear) and rows under the previous key still sign
        storeSecret(aId, aSecret);
        storeSecret(bId, TestSecretKeys.previous().encrypt(bId, bRotated));
        events.created(site, DomainEvents.customer("cus_at_rest2", "r2@example.com", clock.instant()), clock.instant());
        ping(site, aId);
        ping(site, bId);
        assertThat(awaitRequests("/at-rest-a", 4)).hasSize(4).allMatch(r -> signedWith(r, aSecret));
        assertThat(awaitRequests("/at-rest-b", 4).subList(1, 4)).allMatch(r -> signedWith(r, bRotated));

        // the start-up pass puts both under the current key; they still sign
        StepVerifier.create(reEncryption.run())
                .assertNext(result -> assertThat(result.reEncrypted()).isGreaterThanOrEqualTo(2))
                .verifyComplete();
        StepVerifier.create(storedSecrets(aId).concatWith(storedSecrets(bId)))
                .assertNext(stored -> assertThat(TestSecretKeys.current().decrypt(aId, stored)).isEqualTo(aSecret))
                .assertNext(stored -> assertThat(TestSecretKeys.current().decrypt(bId, stored)).isEqualTo(bRotated))
                .verifyComplete();
        events.created(site, DomainEvents.customer("cus_at_rest3", "r3@example.com", clock.instant()), clock.instant());
        assertThat(awaitRequests("/at-rest-a", 5)).hasSize(5).allMatch(r -> signedWith(r, aSecret));
        assertThat(awaitRequests("/at-rest-b", 5)).hasSize(5).last().matches(r -> signedWith(r, bRotated));
    }

    @Test
    void aCustomerCreatedEventReachesTheEndpointSignedWithinSeconds() {
        String site = newSite();
        Map<String, Object> endpoint = endpoint(site, "/created", "[\"customer.*\"]");
        Instant at = clock.instant();

        events.created(site, DomainEvents.customer("cus_created1", "ada@example.com", at), at);

        TestReceiver.Request request = awaitRequests("/created", 1).getFirst();
        assertThat(signedWith(request, endpoint.get("secret").toString())).isTrue();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("id").asString()).startsWith("evt_").isEqualTo(request.header("webhook-id"));
        assertThat(body.get("type").asString()).isEqualTo("customer.created");
        assertThat(body.get("site_id").asString()).isEqualTo(site);
        assertThat(body.at("/data/object/id").asString()).isEqualTo("cus_created1");
        assertThat(body.at("/data/object/object").asString()).isEqualTo("customer");
        assertThat(body.at("/data/object/email").asString()).isEqualTo("ada@example.com");
        assertThat(Long.parseLong(request.header("webhook-timestamp")))
                .isCloseTo(clock.instant().getEpochSecond(), org.assertj.core.data.Offset.offset(10L));

        Map<String, Object> delivery = awaitDelivery(site, onlyDelivery(site, endpoint.get("id").toString())
                .get("id").toString(), 1, "succeeded");
        assertThat(delivery.get("event_id")).isEqualTo(body.get("id").asString());
        assertThat(json(get(site, "/v1/events/" + body.get("id").asString())).get("type")).isEqualTo("customer.created");
        // another site's event reaches nothing of this site. It reaches the other site's own endpoint; then an event
        // of this site with the same key (the same partition, so consumed after it) is delivered here: only once
        // that later delivery exists is the absence of one for the foreign event conclusive.
        String otherSite = newSite();
        endpoint(otherSite, "/created-other", "[\"customer.*\"]");
        events.created(otherSite, DomainEvents.customer("cus_shared_key", "foreign@example.com", at), at);
        events.created(site, DomainEvents.customer("cus_shared_key", "marker@example.com", at), at);
        assertThat(awaitRequests("/created-other", 1).getFirst().body()).contains("foreign@example.com");
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(site, endpoint.get("id").toString()).size() >= 2);
        assertThat(deliveries(site, endpoint.get("id").toString())).hasSize(2);
        assertThat(awaitRequests("/created", 2)).hasSize(2)
                .noneMatch(r -> r.body().contains("foreign@example.com") || r.body().contains(otherSite));
        assertThat(receiver.requests("/created").get(1).body()).contains("marker@example.com");
    }

    @Test
    void aTestClockReadyEventOfTheGatewayReachesTheEndpointsThatTakeIt() {
        String site = newSite();
        Map<String, Object> endpoint = endpoint(site, "/clock", "[\"test_clock.ready\"]");
        Instant simulated = Instant.parse("2031-03-01T00:00:00Z");

        events.testClockReady(site, simulated);

        TestReceiver.Request request = awaitRequests("/clock", 1).getFirst();
        assertThat(signedWith(request, endpoint.get("secret").toString())).isTrue();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("type").asString()).isEqualTo("test_clock.ready");
        assertThat(body.get("site_id").asString()).isEqualTo(site);
        assertThat(body.get("created").asString()).isEqualTo(simulated.toString());
        assertThat(body.at("/data/object/object").asString()).isEqualTo("test_clock");
        assertThat(body.at("/data/object/now").asString()).isEqualTo(simulated.toString());
        assertThat(body.at("/data/object/status").asString()).isEqualTo("ready");
    }

    @Test
    void failingTwiceThenSucceedingLogsThreeAttemptsWithTheSameIdAndBytes() {
        String site = newSite();
        receiver.script("/flaky", n -> n <= 2 ? Reply.status(500).withBody("boom " + n) : Reply.ok());
        String endpointId = endpoint(site, "/flaky", "[\"customer.created\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_flaky", "f@example.com", clock.instant()), clock.instant());

        String id = onlyDelivery(site, endpointId).get("id").toString();
        Map<String, Object> first = awaitDelivery(site, id, 1, "pending");
        Duration wait = Duration.between(instant(first.get("last_attempt_at")), instant(first.get("next_attempt_at")));
        assertThat(wait).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(6));

        clock.advance(Duration.ofSeconds(7));
        Map<String, Object> second = awaitDelivery(site, id, 2, "pending");
        assertThat(Duration.between(instant(second.get("last_attempt_at")), instant(second.get("next_attempt_at"))))
                .isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));

        clock.advance(Duration.ofMinutes(7));
        awaitDelivery(site, id, 3, "succeeded");

        List<Map<String, Object>> attempts = list(site, "/v1/webhook_deliveries/" + id + "/attempts");
        assertThat(attempts).extracting(a -> a.get("status")).containsExactly("succeeded", "failed", "failed");
        assertThat(attempts).extracting(a -> a.get("status_code")).containsExactly(200, 500, 500);
        assertThat(attempts.get(2).get("response_body")).isEqualTo("boom 1");
        assertThat(attempts).extracting(a -> a.get("attempt_number")).containsExactly(3, 2, 1);
        List<TestReceiver.Request> requests = receiver.requests("/flaky");
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.header("webhook-id")).containsOnly(requests.getFirst().header("webhook-id"));
        assertThat(requests).extracting(TestReceiver.Request::body).containsOnly(requests.getFirst().body());
        assertThat(list(site, "/v1/webhook_attempts?status=failed&endpoint_id=" + endpointId)).hasSize(2);
    }

    @Test
    void aReceiverThatHangsTimesOutAndIsRetriedAfterAtLeastAMinute() {
        String site = newSite();
        receiver.script("/hang", n -> n == 1 ? Reply.hang() : Reply.ok());
        String endpointId = endpoint(site, "/hang", "[\"*\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_hang", "h@example.com", clock.instant()), clock.instant());

        String id = onlyDelivery(site, endpointId).get("id").toString();
        Map<String, Object> first = awaitDelivery(site, id, 1, "pending");
        assertThat(first.get("last_error").toString()).contains("no response");
        assertThat(first.get("last_status_code")).isNull();
        assertThat(Duration.between(instant(first.get("last_attempt_at")), instant(first.get("next_attempt_at"))))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(59));

        clock.advance(Duration.ofSeconds(75));
        awaitDelivery(site, id, 2, "succeeded");
    }

    @Test
    void retryAfterIsHonouredWithinBounds() {
        String site = newSite();
        receiver.script("/busy", n -> n == 1 ? Reply.status(429).withHeader("Retry-After", "100") : Reply.ok());
        String endpointId = endpoint(site, "/busy", "[\"*\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_busy", "b@example.com", clock.instant()), clock.instant());

        Map<String, Object> first = awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1,
                "pending");
        assertThat(Duration.between(instant(first.get("last_attempt_at")), instant(first.get("next_attempt_at"))))
                .isBetween(Duration.ofSeconds(99), Duration.ofSeconds(101));
    }

    @Test
    void goneDisablesTheEndpointAndFailsTheDelivery() {
        String site = newSite();
        receiver.script("/gone", n -> Reply.status(410));
        String endpointId = endpoint(site, "/gone", "[\"*\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_gone", "g@example.com", clock.instant()), clock.instant());

        awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1, "failed");
        Map<String, Object> endpoint = json(get(site, "/v1/webhook_endpoints/" + endpointId));
        assertThat(endpoint.get("status")).isEqualTo("disabled");
        assertThat(endpoint.get("disabled_reason")).isEqualTo("gone");

        events.created(site, DomainEvents.customer("cus_gone2", "g2@example.com", clock.instant()), clock.instant());
        events.created(site, DomainEvents.customer("cus_gone3", "g3@example.com", clock.instant()), clock.instant());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> deliveries(site, endpointId).size() == 1);
        assertThat(receiver.requests("/gone")).hasSize(1);
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() {
        String site = newSite();
        receiver.script("/redirect", n -> Reply.status(302).withHeader("Location", receiver.url("/redirected")));
        String endpointId = endpoint(site, "/redirect", "[\"*\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_redirect", "r@example.com", clock.instant()), clock.instant());

        Map<String, Object> delivery = awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1,
                "pending");
        assertThat(delivery.get("last_status_code")).isEqualTo(302);
        assertThat(delivery.get("last_error").toString()).contains("redirects are not followed");
        assertThat(receiver.requests("/redirected")).isEmpty();
    }

    @Test
    void duringTheGracePeriodBothSecretsSignAndEachVerifiesThenOnlyTheNewOne() {
        String site = newSite();
        Map<String, Object> endpoint = endpoint(site, "/rotation", "[\"customer.created\"]");
        String id = endpoint.get("id").toString();
        String oldSecret = endpoint.get("secret").toString();

        Map<String, Object> rotated = json(post(site, "/v1/webhook_endpoints/" + id + "/rotate_secret"));
        String newSecret = rotated.get("secret").toString();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(Duration.between(clock.instant(), instant(rotated.get("previous_secrets_expire_at"))))
                .isBetween(Duration.ofHours(23), Duration.ofHours(24));

        post(site, "/v1/webhook_endpoints/" + id + "/ping").exchange().expectStatus().isAccepted();
        TestReceiver.Request during = awaitRequests("/rotation", 1).getFirst();
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
        assertThat(signedWith(during, newSecret)).isTrue();
        assertThat(signedWith(during, oldSecret)).isTrue();
        assertThat(JSON.readTree(during.body()).get("type").asString()).isEqualTo("ping");

        clock.advance(Duration.ofHours(25));
        post(site, "/v1/webhook_endpoints/" + id + "/ping").exchange().expectStatus().isAccepted();
        TestReceiver.Request after = awaitRequests("/rotation", 2).get(1);
        assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
        assertThat(signedWith(after, newSecret)).isTrue();
        assertThat(signedWith(after, oldSecret)).isFalse();
    }

    @Test
    void anOrderedEndpointGetsOneCustomersEventsInOrderEvenWhenTheFirstAttemptFails() {
        String site = newSite();
        receiver.script("/ordered", n -> n == 1 ? Reply.status(503) : Reply.ok());
        receiver.script("/unordered", n -> n == 1 ? Reply.status(503) : Reply.ok());
        String ordered = createEndpoint(site, "{\"url\": \"" + receiver.url("/ordered")
                + "\", \"enabled_events\": [\"customer.*\"], \"ordered\": true}").get("id").toString();
        endpoint(site, "/unordered", "[\"customer.*\"]");
        Instant at = clock.instant();
        var customer = DomainEvents.customer("cus_ordered", "o@example.com", at);
        events.created(site, customer, at);
        events.updated(site, customer, List.of("first_name"), at.plusMillis(1));
        events.updated(site, customer, List.of("last_name"), at.plusMillis(2));

        // the unordered endpoint gets the two updates while the creation waits for its retry
        awaitRequests("/unordered", 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> receiver.requests("/ordered").size() == 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(site, ordered).stream()
                .anyMatch(d -> ((Number) d.get("attempts")).intValue() == 1 && d.get("next_attempt_at") != null
                        && instant(d.get("next_attempt_at")).isAfter(clock.instant().plusSeconds(2))));
        clock.advance(Duration.ofSeconds(7));
        List<TestReceiver.Request> requests = awaitRequests("/ordered", 4);
        assertThat(requests).extracting(r -> JSON.readTree(r.body()).get("type").asString())
                .containsExactly("customer.created", "customer.created", "customer.updated", "customer.updated");
        assertThat(requests.subList(2, 4)).extracting(r -> JSON.readTree(r.body()).at("/data/changed_fields/0").asString())
                .containsExactly("first_name", "last_name");
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void theDeliveryMetricsArePublishedForPrometheus() {
        String site = newSite();
        String id = endpoint(site, "/metrics", "[\"*\"]").get("id").toString();
        post(site, "/v1/webhook_endpoints/" + id + "/ping").exchange().expectStatus().isAccepted();
        awaitRequests("/metrics", 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = ManagementSurface.scrape(ManagementSurface.loopback(managementPort), "webhook-service");
            assertThat(metrics).containsPattern("webhooks_deliveries_total\\{[^}]*outcome=\"succeeded\"")
                    .containsPattern("webhooks_attempts_total\\{[^}]*outcome=\"succeeded\",result=\"2xx\"")
                    .containsPattern("webhooks_attempt_duration_seconds_bucket\\{[^}]*outcome=\"succeeded\"");
            assertThat(metrics).contains("webhooks_event_to_first_attempt_seconds_bucket",
                    "webhooks_event_to_delivery_seconds_bucket", "webhooks_due_depth", "webhooks_due_oldest_age_seconds", "webhooks_inflight");
        });
    }

    @Test
    void anEventDeliveredTwiceByKafkaMakesOneDelivery() {
        String site = newSite();
        String endpointId = endpoint(site, "/twice", "[\"customer.created\"]").get("id").toString();
        Instant at = clock.instant();
        var customer = DomainEvents.customer("cus_twice", "t@example.com", at);
        var header = DomainEvents.header("customer.created", site, at);
        var event = io.masthead.events.customer.CustomerCreated.newBuilder().setHeader(header).setCustomer(customer).build();
        events.send(customer.getId(), header, event);
        events.send(customer.getId(), header, event);

        awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1, "succeeded");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
                .until(() -> deliveries(site, endpointId).size() == 1 && receiver.requests("/twice").size() == 1);
        assertThat(list(site, "/v1/events")).hasSize(1);
    }
}
