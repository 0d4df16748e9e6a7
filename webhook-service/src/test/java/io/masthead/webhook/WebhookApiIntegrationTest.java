package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.test.spring.TestTokens;
import io.masthead.webhook.support.DomainEvents;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestReceiver.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The endpoint and delivery API: validation, the secret shown once, site isolation, resend and recovery. */
class WebhookApiIntegrationTest extends WebhookIntegrationTestSupport {

    @Autowired
    DatabaseClient db;

    private long endpointRows() {
        return db.sql("SELECT count(*) AS n FROM webhook_endpoints").map(r -> r.get("n", Long.class)).one().block();
    }

    private void rejects(String site, String body, int status, String field) {
        post(site, "/v1/webhook_endpoints").bodyValue(body).exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo(field);
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndNothingIsStored() {
        String site = newSite();
        long before = endpointRows();
        String ok = receiver.url("/never");
        rejects(site, "{\"url\": \"not a url\", \"enabled_events\": [\"*\"]}", 422, "url");
        rejects(site, "{\"url\": \"ftp://example.com/x\", \"enabled_events\": [\"*\"]}", 422, "url");
        rejects(site, "{\"enabled_events\": [\"*\"]}", 422, "url");
        rejects(site, "{\"url\": \"" + ok + "\", \"enabled_events\": [\"customer.deleted\"]}", 422, "enabled_events[0]");
        rejects(site, "{\"url\": \"" + ok + "\", \"enabled_events\": [\"invoice.*\"]}", 422, "enabled_events[0]");
        rejects(site, "{\"url\": \"" + ok + "\", \"enabled_events\": []}", 422, "enabled_events");
        rejects(site, "{\"url\": \"" + ok + "\"}", 422, "enabled_events");
        StringBuilder metadata = new StringBuilder("{");
        for (int i = 0; i < 51; i++) {
            metadata.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
        }
        rejects(site, "{\"url\": \"" + ok + "\", \"enabled_events\": [\"*\"], \"metadata\": " + metadata + "}}", 422,
                "metadata");
        rejects(site, "{\"url\": \"" + ok + "\", \"enabled_events\": [\"*\"], \"colour\": \"red\"}", 400, "colour");
        rejects(site, "{\"url\": \"" + ok + "\", \"enabled_events\": \"*\"}", 400, "enabled_events");
        // the SSRF guard: private, link-local (cloud metadata) and other reserved addresses
        rejects(site, "{\"url\": \"http://10.1.2.3/hook\", \"enabled_events\": [\"*\"]}", 422, "url");
        rejects(site, "{\"url\": \"http://169.254.169.254/latest/meta-data\", \"enabled_events\": [\"*\"]}", 422, "url");
        rejects(site, "{\"url\": \"http://[fd00::1]/\", \"enabled_events\": [\"*\"]}", 422, "url");
        rejects(site, "{\"url\": \"http://0.0.0.0:8080/\", \"enabled_events\": [\"*\"]}", 422, "url");
        assertThat(endpointRows()).isEqualTo(before);
    }

    @Test
    void theSecretIsShownOnceAndTheEndpointCanBeReadUpdatedListedAndDeleted() {
        String site = newSite();
        Map<String, Object> created = createEndpoint(site, "{\"url\": \"" + receiver.url("/crud")
                + "\", \"enabled_events\": [\"customer.created\", \"customer.created\"], \"description\": \"CRM\","
                + " \"metadata\": {\"team\": \"crm\"}}");
        String id = created.get("id").toString();
        assertThat(id).startsWith("we_");
        assertThat(created.get("enabled_events")).isEqualTo(List.of("customer.created"));
        assertThat(created.get("status")).isEqualTo("enabled");

        Map<String, Object> read = json(get(site, "/v1/webhook_endpoints/" + id));
        assertThat(read).doesNotContainKey("secret").containsEntry("description", "CRM");

        web.patch().uri("/v1/webhook_endpoints/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"enabled_events\": [\"address.*\"], \"description\": null, \"ordered\": true}").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.enabled_events[0]").isEqualTo("address.*")
                .jsonPath("$.description").doesNotExist()
                .jsonPath("$.ordered").isEqualTo(true)
                .jsonPath("$.metadata.team").isEqualTo("crm");
        web.patch().uri("/v1/webhook_endpoints/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"url\": \"http://192.168.0.1/\"}").exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("url");

        json(post(site, "/v1/webhook_endpoints/" + id + "/disable"));
        assertThat(list(site, "/v1/webhook_endpoints?status=disabled")).extracting(e -> e.get("id")).containsExactly(id);
        assertThat(json(post(site, "/v1/webhook_endpoints/" + id + "/enable")).get("status")).isEqualTo("enabled");

        web.delete().uri("/v1/webhook_endpoints/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.deleted").isEqualTo(true);
        get(site, "/v1/webhook_endpoints/" + id).exchange().expectStatus().isNotFound();
    }

    @Test
    void aSiteSeesNothingOfAnotherSitesEndpointsDeliveriesAndAttempts() {
        String site = newSite();
        String other = newSite();
        String endpointId = endpoint(site, "/isolated", "[\"*\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_isolated", "i@example.com", clock.instant()), clock.instant());
        String deliveryId = awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1, "succeeded")
                .get("id").toString();
        String eventId = delivery(site, deliveryId).get("event_id").toString();

        get(other, "/v1/webhook_endpoints/" + endpointId).exchange().expectStatus().isNotFound();
        get(other, "/v1/webhook_deliveries/" + deliveryId).exchange().expectStatus().isNotFound();
        get(other, "/v1/webhook_deliveries/" + deliveryId + "/attempts").exchange().expectStatus().isNotFound();
        get(other, "/v1/events/" + eventId).exchange().expectStatus().isNotFound();
        post(other, "/v1/webhook_deliveries/" + deliveryId + "/resend").exchange().expectStatus().isNotFound();
        post(other, "/v1/webhook_endpoints/" + endpointId + "/ping").exchange().expectStatus().isNotFound();
        post(other, "/v1/webhook_endpoints/" + endpointId + "/disable").exchange().expectStatus().isNotFound();
        assertThat(list(other, "/v1/webhook_endpoints")).isEmpty();
        assertThat(list(other, "/v1/webhook_deliveries?endpoint_id=" + endpointId)).isEmpty();
        assertThat(list(other, "/v1/webhook_attempts?endpoint_id=" + endpointId)).isEmpty();
        assertThat(list(other, "/v1/events")).isEmpty();
        assertThat(list(site, "/v1/webhook_attempts?endpoint_id=" + endpointId)).hasSize(1);
        assertThat(list(site, "/v1/webhook_deliveries?event_id=" + eventId)).hasSize(1);
        web.get().uri("/v1/webhook_endpoints").header(HttpHeaders.AUTHORIZATION,
                "Bearer " + TestTokens.customer(site, "cus_isolated")).exchange().expectStatus().isForbidden();
    }

    private WebTestClient.RequestHeadersSpec<?> as(String site, WebTestClient.RequestHeadersSpec<?> request) {
        return request.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site));
    }

    private static void notFound(WebTestClient.RequestHeadersSpec<?> request) {
        request.exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    private List<Map<String, Object>> secretRows(String endpointId) {
        return db.sql("SELECT * FROM webhook_endpoint_secrets WHERE endpoint_id = :id ORDER BY created_at, secret")
                .bind("id", endpointId).fetch().all().collectList().block();
    }

    @Test
    void anotherSitesKeyGets404ForPatchDeleteRotateAndRecoverAndChangesNothing() {
        String site = newSite();
        String other = newSite();
        receiver.script("/cross-site", n -> n == 1 ? Reply.status(500) : Reply.ok());
        Map<String, Object> created = endpoint(site, "/cross-site", "[\"customer.created\"]");
        String endpointId = created.get("id").toString();
        String secret = created.get("secret").toString();
        Instant since = clock.instant();
        events.created(site, DomainEvents.customer("cus_cross_site", "cross@example.com", since), since);
        String deliveryId = onlyDelivery(site, endpointId).get("id").toString();
        awaitDelivery(site, deliveryId, 1, "pending");
        // disabling fails the delivery; enabled again, the owner's recover would requeue it
        json(post(site, "/v1/webhook_endpoints/" + endpointId + "/disable"));
        json(post(site, "/v1/webhook_endpoints/" + endpointId + "/enable"));
        Map<String, Object> endpointBefore = json(get(site, "/v1/webhook_endpoints/" + endpointId));
        Map<String, Object> deliveryBefore = awaitDelivery(site, deliveryId, 1, "failed");
        List<Map<String, Object>> secretsBefore = secretRows(endpointId);
        assertThat(secretsBefore).hasSize(1);

        String path = "/v1/webhook_endpoints/" + endpointId;
        notFound(as(other, web.patch().uri(path).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\": \"" + receiver.url("/hijacked") + "\", \"description\": \"hijacked\"}")));
        notFound(as(other, web.patch().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")));
        notFound(as(other, web.delete().uri(path)));
        notFound(post(other, path + "/rotate_secret").bodyValue("{\"grace_period_seconds\": 0}"));
        notFound(post(other, path + "/rotate_secret"));
        notFound(post(other, path + "/recover").bodyValue("{\"since\": \"" + since + "\"}"));

        // nothing changed: the endpoint, its secret, its delivery and attempts
        assertThat(json(get(site, path))).isEqualTo(endpointBefore);
        assertThat(secretRows(endpointId)).isEqualTo(secretsBefore);
        assertThat(delivery(site, deliveryId)).isEqualTo(deliveryBefore);
        assertThat(list(site, "/v1/webhook_attempts?endpoint_id=" + endpointId)).hasSize(1);
        // the owner's recover still finds the failed delivery (the other site's did not requeue it), and the resent
        // delivery goes to the endpoint's own URL signed with the original secret alone
        assertThat(json(post(site, path + "/recover").bodyValue("{\"since\": \"" + since + "\"}"))
                .get("deliveries_requeued")).isEqualTo(1);
        awaitDelivery(site, deliveryId, 2, "succeeded");
        TestReceiver.Request resent = awaitRequests("/cross-site", 2).get(1);
        assertThat(resent.header("webhook-signature").split(" ")).hasSize(1);
        assertThat(signedWith(resent, secret)).isTrue();
        assertThat(receiver.requests("/hijacked")).isEmpty();
    }

    @Test
    void aDeliveryCanBeResentWithTheSameWebhookIdAndFailedOnesRecoveredInBulk() {
        String site = newSite();
        String endpointId = endpoint(site, "/replay", "[\"customer.created\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_replay", "r@example.com", clock.instant()), clock.instant());
        String deliveryId = awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1, "succeeded")
                .get("id").toString();

        post(site, "/v1/webhook_deliveries/" + deliveryId + "/resend").exchange().expectStatus().isAccepted();
        awaitDelivery(site, deliveryId, 2, "succeeded");
        assertThat(receiver.requests("/replay")).hasSize(2)
                .extracting(r -> r.header("webhook-id")).containsOnly(delivery(site, deliveryId).get("event_id").toString());

        // the receiver goes down; two deliveries are retrying; the endpoint is disabled (they fail), enabled,
        // and everything since a time is recovered
        Instant since = clock.instant();
        receiver.script("/replay", n -> n <= 4 ? Reply.status(500) : Reply.ok());
        events.created(site, DomainEvents.customer("cus_replay2", "r2@example.com", clock.instant()), clock.instant());
        events.created(site, DomainEvents.customer("cus_replay3", "r3@example.com", clock.instant()), clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> list(site,
                "/v1/webhook_deliveries?status=pending&endpoint_id=" + endpointId).stream()
                .allMatch(d -> ((Number) d.get("attempts")).intValue() == 1)
                && list(site, "/v1/webhook_deliveries?status=pending&endpoint_id=" + endpointId).size() == 2);
        json(post(site, "/v1/webhook_endpoints/" + endpointId + "/disable"));
        assertThat(list(site, "/v1/webhook_deliveries?status=failed&endpoint_id=" + endpointId)).hasSize(2);
        post(site, "/v1/webhook_endpoints/" + endpointId + "/recover").bodyValue("{\"since\": \"" + since + "\"}")
                .exchange().expectStatus().isEqualTo(409);

        json(post(site, "/v1/webhook_endpoints/" + endpointId + "/enable"));
        receiver.script("/replay", n -> Reply.ok());
        Map<String, Object> recovery = json(post(site, "/v1/webhook_endpoints/" + endpointId + "/recover")
                .bodyValue("{\"since\": \"" + since + "\"}"));
        assertThat(recovery.get("deliveries_requeued")).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                list(site, "/v1/webhook_deliveries?status=succeeded&endpoint_id=" + endpointId).size() == 3);
        post(site, "/v1/webhook_endpoints/" + endpointId + "/recover").bodyValue("{\"since\": \"tomorrow\"}")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("since");
    }

    @Test
    void anEndpointFailingForFiveDaysWithoutASuccessIsDisabled() {
        String site = newSite();
        receiver.script("/down", n -> Reply.status(503));
        String endpointId = endpoint(site, "/down", "[\"customer.created\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_down1", "d1@example.com", clock.instant()), clock.instant());
        awaitDelivery(site, onlyDelivery(site, endpointId).get("id").toString(), 1, "pending");
        assertThat(json(get(site, "/v1/webhook_endpoints/" + endpointId)).get("failing_since")).isNotNull();

        clock.advance(Duration.ofDays(5).plusHours(1));
        events.created(site, DomainEvents.customer("cus_down2", "d2@example.com", clock.instant()), clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "disabled".equals(json(get(site, "/v1/webhook_endpoints/" + endpointId)).get("status")));
        Map<String, Object> endpoint = json(get(site, "/v1/webhook_endpoints/" + endpointId));
        assertThat(endpoint.get("disabled_reason")).isEqualTo("failing");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                list(site, "/v1/webhook_deliveries?status=pending&endpoint_id=" + endpointId).isEmpty());
    }

    @Test
    void deletingAnEndpointDuringAnAttemptLosesNothingElse() {
        String site = newSite();
        receiver.script("/deleted", n -> new Reply(200, Map.of(), "", Duration.ofMillis(700)));
        String doomed = endpoint(site, "/deleted", "[\"customer.created\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_doomed", "x1@example.com", clock.instant()), clock.instant());
        awaitRequests("/deleted", 1);
        web.delete().uri("/v1/webhook_endpoints/" + doomed).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .exchange().expectStatus().isOk();

        String survivor = endpoint(site, "/survivor", "[\"customer.created\"]").get("id").toString();
        events.created(site, DomainEvents.customer("cus_survivor", "x2@example.com", clock.instant()), clock.instant());
        awaitDelivery(site, onlyDelivery(site, survivor).get("id").toString(), 1, "succeeded");
        assertThat(list(site, "/v1/webhook_attempts?endpoint_id=" + doomed)).isEmpty();
    }
}
