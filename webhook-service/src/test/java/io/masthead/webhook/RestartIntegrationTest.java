package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.test.spring.TestTokens;
import io.masthead.webhook.support.DomainEvents;
import io.masthead.webhook.support.StandaloneService;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestReceiver.Reply;
import io.masthead.webhook.support.TestSecretKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The service is stopped while an attempt is in flight and while events keep coming, then started again (a
 * new application on the same database and consumer group, as after a crash and restart): every event is
 * delivered, and the interrupted one again with the same webhook-id.
 */
class RestartIntegrationTest {

    private static final TestReceiver receiver = new TestReceiver();
    private static final String SITE = WebhookIntegrationTestSupport.newSite();

    @AfterAll
    static void close() {
        receiver.close();
    }

    private static ConfigurableApplicationContext start() {
        return StandaloneService.start("webhooks_restart", "webhook-service-restart", Map.of(
                "masthead.webhooks.secret-encryption.keys[0].id", TestSecretKeys.CURRENT_ID,
                "masthead.webhooks.secret-encryption.keys[0].key", TestSecretKeys.CURRENT));
    }

    private static WebClient client(ConfigurableApplicationContext app) {
        return WebClient.builder().baseUrl("http://localhost:" + app.getEnvironment().getProperty("local.server.port"))
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE)).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void afterAStopMidDeliveryAndARestartEveryEventIsDelivered() {
        WebhookIntegrationTestSupport.createTopic(DomainEvents.TOPIC);
        receiver.script("/restart", n -> n == 1 ? Reply.hang() : Reply.ok());
        try (DomainEvents events = new DomainEvents()) {
            ConfigurableApplicationContext first = start();
            String endpointId;
            try {
                Map<String, Object> endpoint = client(first).post().uri("/v1/webhook_endpoints")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"url\": \"" + receiver.url("/restart") + "\", \"enabled_events\": [\"*\"]}")
                        .retrieve().bodyToMono(Map.class).block();
                endpointId = endpoint.get("id").toString();
                events.created(SITE, DomainEvents.customer("cus_r0", "r0@example.com", Instant.now()), Instant.now());
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/restart").size() == 1);
            } finally {
                first.close(); // the attempt in flight is abandoned: no result is recorded
            }
            for (int i = 1; i <= 4; i++) { // events published while the service is down
                events.created(SITE, DomainEvents.customer("cus_r" + i, "r" + i + "@example.com", Instant.now()),
                        Instant.now());
            }

            ConfigurableApplicationContext second = start();
            try {
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/restart").stream()
                            .map(r -> r.header("webhook-id")).distinct().count() == 5
                            && receiver.requests("/restart").size() >= 6);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("received " + receiver.requests("/restart").stream()
                            .map(r -> r.header("webhook-id") + "@" + r.at()).toList() + "; deliveries "
                            + client(second).get().uri("/v1/webhook_deliveries?limit=100&endpoint_id=" + endpointId)
                                    .retrieve().bodyToMono(String.class).block(), e);
                }
                List<TestReceiver.Request> requests = receiver.requests("/restart");
                String interrupted = requests.getFirst().header("webhook-id");
                assertThat(requests).filteredOn(r -> r.header("webhook-id").equals(interrupted)).hasSize(2)
                        .extracting(TestReceiver.Request::body).containsOnly(requests.getFirst().body());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Map<String, Object> page = client(second).get()
                            .uri("/v1/webhook_deliveries?limit=100&endpoint_id=" + endpointId)
                            .retrieve().bodyToMono(Map.class).block();
                    List<Map<String, Object>> deliveries = (List<Map<String, Object>>) page.get("data");
                    Set<Object> statuses = deliveries.stream().map(d -> d.get("status")).collect(Collectors.toSet());
                    assertThat(deliveries).hasSize(5);
                    assertThat(statuses).containsExactly("succeeded");
                });
            } finally {
                second.close();
            }
        }
    }
}
