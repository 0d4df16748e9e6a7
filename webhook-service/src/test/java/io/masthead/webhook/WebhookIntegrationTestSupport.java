package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import io.masthead.test.engines.Engines;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import io.masthead.webhook.support.DomainEvents;
import io.masthead.webhook.support.TestClock;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestSecretKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One application context for the webhook integration tests: real PostgreSQL, Kafka and registry, a clock
 * the tests move forward (so retries due in minutes or days happen at once), short timeouts, loopback
 * allowed so that endpoints can point at the local {@link TestReceiver}, and the fixed test keys that encrypt
 * signing secrets at rest ({@link TestSecretKeys}: a current one and a previous one).
 */
@MastheadIntegrationTest(database = "webhooks_it", properties = {
    "masthead.webhooks.allowed-subnets=127.0.0.0/8",
    "masthead.webhooks.connect-timeout=1s",
    "masthead.webhooks.response-timeout=1s",
    "masthead.webhooks.lease=10s",
    "masthead.webhooks.poll-interval=100ms",
    "masthead.retention.enabled=false", // tests run retention themselves (WebhookRetentionIntegrationTest)
    "spring.kafka.consumer.group-id=webhook-service-it",
    TestSecretKeys.CURRENT_ID_PROPERTY, TestSecretKeys.CURRENT_KEY_PROPERTY,
    TestSecretKeys.PREVIOUS_ID_PROPERTY, TestSecretKeys.PREVIOUS_KEY_PROPERTY})
@Import(WebhookIntegrationTestSupport.Clocks.class)
abstract class WebhookIntegrationTestSupport {

    static final TestReceiver receiver = new TestReceiver();
    static final DomainEvents events;

    static {
        createTopic(DomainEvents.TOPIC);
        createTopic(DomainEvents.SITES_TOPIC);
        events = new DomainEvents();
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        TestClock clock() {
            return new TestClock();
        }
    }

    @Autowired
    WebTestClient web;

    @Autowired
    TestClock clock;

    @AfterAll
    static void leaveReceiverRunning() {
        // the receiver and producer live as long as the JVM: the cached context may deliver to them later
    }

    static String newSite() {
        return "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static void createTopic(String name) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                Engines.shared().startAll().kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 12, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    WebTestClient.RequestBodySpec post(String site, String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .contentType(MediaType.APPLICATION_JSON);
    }

    WebTestClient.RequestHeadersSpec<?> get(String site, String path) {
        return web.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> json(WebTestClient.RequestHeadersSpec<?> request) {
        return request.exchange().expectStatus().is2xxSuccessful().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    /** Creates an endpoint; returns the creation response (with {@code id} and {@code secret}). */
    Map<String, Object> createEndpoint(String site, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> created = post(site, "/v1/webhook_endpoints").bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(created.get("secret").toString()).startsWith("whsec_");
        return created;
    }

    Map<String, Object> endpoint(String site, String path, String events) {
        return createEndpoint(site, "{\"url\": \"" + receiver.url(path) + "\", \"enabled_events\": " + events + "}");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String site, String path) {
        return (List<Map<String, Object>>) json(get(site, path)).get("data");
    }

    List<Map<String, Object>> deliveries(String site, String endpointId) {
        return list(site, "/v1/webhook_deliveries?limit=100&endpoint_id=" + endpointId);
    }

    /** The one delivery of an endpoint, once it exists. */
    Map<String, Object> onlyDelivery(String site, String endpointId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(site, endpointId).size() == 1);
        return deliveries(site, endpointId).getFirst();
    }

    Map<String, Object> delivery(String site, String id) {
        return json(get(site, "/v1/webhook_deliveries/" + id));
    }

    /** Waits until the delivery has {@code attempts} attempts recorded and is in {@code status}. */
    Map<String, Object> awaitDelivery(String site, String id, int attempts, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Map<String, Object> d = delivery(site, id);
            return ((Number) d.get("attempts")).intValue() == attempts && status.equals(d.get("status"));
        });
        return delivery(site, id);
    }

    List<TestReceiver.Request> awaitRequests(String path, int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> receiver.requests(path).size() >= count);
        return receiver.requests(path);
    }

    /** Every signature in the request that {@code secret} verifies (checked with the reference library's signer). */
    static boolean signedWith(TestReceiver.Request request, String secret) {
        try {
            String expected = new Webhook(secret).sign(request.header("webhook-id"),
                    Long.parseLong(request.header("webhook-timestamp")), request.body());
            return List.of(request.header("webhook-signature").split(" ")).contains(expected);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant instant(Object value) {
        return Instant.parse(value.toString());
    }
}
