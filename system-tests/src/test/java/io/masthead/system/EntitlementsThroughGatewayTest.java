package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.subscription.EntitlementsUpdated;
import io.masthead.system.SubscriptionLifecycleThroughGatewayTest.Delivery;
import io.masthead.system.SubscriptionLifecycleThroughGatewayTest.Receiver;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.platform.PlatformUnderTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Entitlements through the gateway, every service its own process: a site's free tier, a subscription that grants
 * its plan's entitlements, the downgrade to the free tier when it ends under simulated time, each told once as a
 * signed entitlements.updated webhook, the customer's entitlements read through the gateway (routed to
 * subscription-service under customer-service's /v1/customers/**), and another site that reads none of it. A pause
 * (seed 003: "during pause, user access downgrades to free-tier entitlements") downgrades the same way and its
 * automatic resume gives the plan's entitlements back, each change told once, on subscriptions.v1 and as a webhook.
 */
class EntitlementsThroughGatewayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @Test
    void aSubscriptionGrantsItsPlansEntitlementsAndItsExpiryDowngradesToTheFreeTier() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Entitled publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (Receiver receiver = Receiver.start();
             TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1")) {
            String secret = receiver.endpoint(api, "\"entitlements.updated\", \"test_clock.ready\"");
            api.put().uri("/v1/entitlement_settings").bodyValue("{\"free_tier\": [\"newsletter\"]}").exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.free_tier[0]").isEqualTo("newsletter");
            String plan = oneMonthTerm(api, "digital", "print");
            String customer = customer(api, "entitled@example.com");
            api.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.source").isEqualTo("free_tier")
                    .jsonPath("$.entitlements[0].name").isEqualTo("newsletter");

            Map<?, ?> subscription = api.post().uri("/v1/subscriptions")
                    .bodyValue("{\"customer\": \"" + customer + "\", \"plan\": \"" + plan + "\"}")
                    .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
            String sub = subscription.get("id").toString();
            Instant end = Instant.parse(subscription.get("current_period_end").toString());

            Delivery granted = receiver.next();
            assertThat(granted.verifies(secret)).isTrue();
            JsonNode grant = granted.json();
            assertThat(grant.path("type").asString()).isEqualTo("entitlements.updated");
            assertThat(grant.at("/data/object/object").asString()).isEqualTo("customer_entitlements");
            assertThat(grant.at("/data/object/customer_id").asString()).isEqualTo(customer);
            assertThat(grant.at("/data/object/source").asString()).isEqualTo("subscriptions");
            assertThat(grant.at("/data/object/entitlements/0/name").asString()).isEqualTo("digital");
            assertThat(grant.at("/data/object/entitlements/0/granted_by/0").asString()).isEqualTo(sub);
            assertThat(texts(grant.at("/data/added"))).containsExactly("digital", "print");
            assertThat(texts(grant.at("/data/removed"))).containsExactly("newsletter");
            assertThat(grant.at("/data/cause_event_type").asString()).isEqualTo("subscription.created");
            api.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.source").isEqualTo("subscriptions")
                    .jsonPath("$.entitlements[1].name").isEqualTo("print")
                    .jsonPath("$.entitlements[1].granted_by[0]").isEqualTo(sub);

            Instant target = advance(api, "{\"by\": \"P1M\"}");
            List<Delivery> afterAdvance = receiveUntilReady(receiver);

            List<Delivery> downgrades = afterAdvance.stream()
                    .filter(d -> d.json().path("type").asString().equals("entitlements.updated")).toList();
            assertThat(downgrades).as("one downgrade").hasSize(1);
            assertDowngradedToTheFreeTier(downgrades.getFirst(), secret, customer, "subscription.expired", end,
                    List.of("newsletter"));
            api.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.source").isEqualTo("free_tier")
                    .jsonPath("$.entitlements.length()").isEqualTo(1)
                    .jsonPath("$.entitlements[0].free_tier").isEqualTo(true);
            assertThat(target).isAfter(end);

            // the clock is ready: every event of the advance is on the topic
            List<ConsumerRecord<String, Object>> all = subscriptions.readToEnd(Duration.ofSeconds(60));
            assertThat(all.stream().filter(r -> customer.equals(r.key()) && r.value() instanceof EntitlementsUpdated))
                    .as("one event per change: granted, then downgraded").hasSize(2);

            WebTestClient outsider = Gateway.as(platform.createSite("Outsider " + UUID.randomUUID()).secretKey());
            outsider.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isNotFound();
            outsider.get().uri("/v1/entitlement_settings").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.free_tier.length()").isEqualTo(0);
        }
    }

    @Test
    void aPauseDowngradesToTheFreeTierAndItsAutomaticResumeGivesThePlansEntitlementsBack() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Pausing entitled publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (Receiver receiver = Receiver.start();
             TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1")) {
            String secret = receiver.endpoint(api, "\"entitlements.updated\", \"test_clock.ready\"");
            api.put().uri("/v1/entitlement_settings").bodyValue("{\"free_tier\": [\"newsletter\"]}").exchange()
                    .expectStatus().isOk();
            String plan = plan(api, true, "digital", "print");
            String customer = customer(api, "paused-reader@example.com");
            String sub = api.post().uri("/v1/subscriptions")
                    .bodyValue("{\"customer\": \"" + customer + "\", \"plan\": \"" + plan + "\"}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
            Delivery granted = receiver.next();
            assertThat(granted.json().at("/data/cause_event_type").asString()).isEqualTo("subscription.created");
            assertThat(granted.json().at("/data/object/source").asString()).isEqualTo("subscriptions");

            // before: the plan's entitlements
            api.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.source").isEqualTo("subscriptions")
                    .jsonPath("$.entitlements.length()").isEqualTo(2);

            Map<?, ?> paused = api.post().uri("/v1/subscriptions/" + sub + "/pause")
                    .bodyValue("{\"duration_days\": 10}")
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            Instant pauseStart = Instant.parse(paused.get("pause_start_at").toString());
            Instant pauseEnd = Instant.parse(paused.get("pause_end_at").toString());

            // during: the free tier, told once as a signed webhook caused by the pause
            assertDowngradedToTheFreeTier(receiver.next(), secret, customer, "subscription.paused", pauseStart,
                    List.of("newsletter"));
            api.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.source").isEqualTo("free_tier")
                    .jsonPath("$.entitlements.length()").isEqualTo(1)
                    .jsonPath("$.entitlements[0].name").isEqualTo("newsletter")
                    .jsonPath("$.entitlements[0].free_tier").isEqualTo(true);

            // after: past the pause's end the subscription resumes by itself and the plan's entitlements come back
            Instant target = advance(api, "{\"by\": \"P11D\"}");
            assertThat(target).isAfter(pauseEnd);
            List<Delivery> afterAdvance = receiveUntilReady(receiver);
            assertThat(afterAdvance).extracting(d -> d.json().path("type").asString())
                    .containsExactly("entitlements.updated", "test_clock.ready");
            Delivery restored = afterAdvance.getFirst();
            assertThat(restored.verifies(secret)).isTrue();
            JsonNode restore = restored.json();
            assertThat(restore.path("created").asString()).as("at the pause's end").isEqualTo(pauseEnd.toString());
            assertThat(restore.at("/data/object/customer_id").asString()).isEqualTo(customer);
            assertThat(restore.at("/data/object/source").asString()).isEqualTo("subscriptions");
            assertThat(restore.at("/data/object/entitlements/0/granted_by/0").asString()).isEqualTo(sub);
            assertThat(texts(restore.at("/data/added"))).containsExactly("digital", "print");
            assertThat(texts(restore.at("/data/removed"))).containsExactly("newsletter");
            assertThat(restore.at("/data/previous/source").asString()).isEqualTo("free_tier");
            assertThat(restore.at("/data/cause_event_type").asString()).isEqualTo("subscription.resumed");
            api.get().uri("/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.source").isEqualTo("subscriptions")
                    .jsonPath("$.entitlements[0].name").isEqualTo("digital")
                    .jsonPath("$.entitlements[1].name").isEqualTo("print")
                    .jsonPath("$.entitlements[1].granted_by[0]").isEqualTo(sub);
            api.get().uri("/v1/subscriptions/" + sub).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("active");

            // the clock is ready: every event of the advance is on the topic, one per change
            List<EntitlementsUpdated> events = subscriptions.readToEnd(Duration.ofSeconds(60)).stream()
                    .filter(r -> customer.equals(r.key()) && r.value() instanceof EntitlementsUpdated)
                    .map(r -> (EntitlementsUpdated) r.value()).toList();
            assertThat(events).extracting(e -> e.getCauseEventType().toString()).containsExactly(
                    "subscription.created", "subscription.paused", "subscription.resumed");
            assertThat(events.get(1).getCustomerEntitlements().getSource().toString()).isEqualTo("free_tier");
            assertThat(events.get(2).getCustomerEntitlements().getSource().toString()).isEqualTo("subscriptions");
        }
    }

    /**
     * {@code delivery} is the signed entitlements.updated that downgrades {@code customer} to the free tier at
     * {@code at}, caused by {@code causeType} (an expiry here; a pause, a cancellation or an unpaid subscription the
     * same way).
     */
    static void assertDowngradedToTheFreeTier(Delivery delivery, String secret, String customer, String causeType,
            Instant at, List<String> freeTier) throws Exception {
        assertThat(delivery.verifies(secret)).isTrue();
        JsonNode json = delivery.json();
        assertThat(json.path("type").asString()).isEqualTo("entitlements.updated");
        assertThat(json.path("created").asString()).as("at the simulated time").isEqualTo(at.toString());
        assertThat(json.at("/data/object/customer_id").asString()).isEqualTo(customer);
        assertThat(json.at("/data/object/source").asString()).isEqualTo("free_tier");
        List<String> names = new ArrayList<>();
        json.at("/data/object/entitlements").forEach(e -> {
            names.add(e.path("name").asString());
            assertThat(e.path("free_tier").asBoolean()).isTrue();
        });
        assertThat(names).containsExactlyElementsOf(freeTier);
        assertThat(json.at("/data/previous/source").asString()).isEqualTo("subscriptions");
        assertThat(json.at("/data/reason").asString()).isEqualTo("subscription_changed");
        assertThat(json.at("/data/cause_event_type").asString()).isEqualTo(causeType);
    }

    /** The webhooks received up to and including test_clock.ready. */
    private static List<Delivery> receiveUntilReady(Receiver receiver) throws InterruptedException {
        List<Delivery> received = new ArrayList<>();
        while (received.isEmpty()
                || !received.getLast().json().path("type").asString().equals("test_clock.ready")) {
            received.add(receiver.next());
        }
        return received;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asString()));
        return texts;
    }

    /** A one-month term that does not renew (it expires at its end) with these entitlements. */
    private static String oneMonthTerm(WebTestClient api, String... entitlements) {
        return plan(api, false, entitlements);
    }

    /** A monthly plan with these entitlements, renewing or not. */
    private static String plan(WebTestClient api, boolean autoRenew, String... entitlements) {
        String product = api.post().uri("/v1/products").bodyValue("{\"name\": \"The Daily Digital\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        return api.post().uri("/v1/plans").bodyValue(Map.of("product", product, "nickname", "One month",
                        "amount", 900, "currency", "usd", "interval", "month", "auto_renew", autoRenew,
                        "entitlements", List.of(entitlements)))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static String customer(WebTestClient api, String email) {
        return api.post().uri("/v1/customers").bodyValue("{\"email\": \"" + email + "\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static Instant advance(WebTestClient api, String body) {
        Map<?, ?> accepted = api.post().uri("/v1/test_clock/advance").bodyValue(body)
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        Instant target = Instant.parse(accepted.get("advancing_to").toString());
        Awaitility.await("the test clock ready at " + target).atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    Map<?, ?> clock = api.get().uri("/v1/test_clock").exchange().expectStatus().isOk()
                            .expectBody(Map.class).returnResult().getResponseBody();
                    return "ready".equals(clock.get("status"))
                            && !Instant.parse(clock.get("now").toString()).isBefore(target);
                });
        return target;
    }
}
