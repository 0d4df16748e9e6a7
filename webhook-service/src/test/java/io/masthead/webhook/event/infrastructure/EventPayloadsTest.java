package io.masthead.webhook.event.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Customer;
import io.masthead.events.customer.CustomerUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EventPayloadsTest {

    private static final Instant OCCURRED = Instant.parse("2026-02-03T04:05:06.789Z");

    private static CustomerUpdated event() {
        return CustomerUpdated.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId("6f7d2b36-5ef5-4a8a-9d5a-2f7c6f1f0a11")
                        .setEventType("customer.updated").setSiteId("site_1").setOccurredAt(OCCURRED)
                        .setProducer("customer-service").build())
                .setCustomer(Customer.newBuilder().setId("cus_1").setEmail("lois@example.com").setFirstName("Lois")
                        .setMetadata(Map.of("b", "2", "a", "1"))
                        .setCreatedAt(Instant.parse("2026-01-01T00:00:00Z")).setUpdatedAt(OCCURRED).build())
                .setChangedFields(List.of("email"))
                .build();
    }

    @Test
    void theEnvelopeCarriesTheSnapshotAsDataObject() {
        String json = EventPayloads.payload("evt_1", "customer.updated", OCCURRED, "site_1", event());
        JsonNode node = JsonMapper.builder().build().readTree(json);

        assertThat(json).startsWith("{\"id\":\"evt_1\",\"type\":\"customer.updated\",\"created\":\"2026-02-03T04:05:06.789Z\","
                + "\"site_id\":\"site_1\",\"data\":{\"object\":{\"id\":\"cus_1\",\"object\":\"customer\",");
        assertThat(node.at("/data/object/email").asString()).isEqualTo("lois@example.com");
        assertThat(node.at("/data/object/phone").isNull()).isTrue();
        assertThat(node.at("/data/object/created_at").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(node.at("/data/object/metadata").toString()).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(node.at("/data/changed_fields/0").asString()).isEqualTo("email");
        assertThat(node.at("/data/object/header").isMissingNode()).isTrue();
    }

    @Test
    void theSameEventAlwaysGivesTheSameBytes() {
        assertThat(EventPayloads.payload("evt_1", "customer.updated", OCCURRED, "site_1", event()))
                .isEqualTo(EventPayloads.payload("evt_1", "customer.updated", OCCURRED, "site_1", event()));
    }

    @Test
    void aTestClockReadyEventIsAWebhookWithTheClockAsItsObject() {
        io.masthead.events.site.TestClockReady ready = io.masthead.events.site.TestClockReady.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId("0b8f0d7e-7c4e-4d55-9a55-0c3b9d2f6a10")
                        .setEventType("test_clock.ready").setSiteId("site_1").setOccurredAt(OCCURRED)
                        .setProducer("gateway").build())
                .setTestClock(io.masthead.events.site.TestClock.newBuilder().setSiteId("site_1").setNow(OCCURRED)
                        .setStatus("ready").build())
                .build();
        JsonNode node = JsonMapper.builder().build().readTree(
                EventPayloads.payload("evt_2", "test_clock.ready", OCCURRED, "site_1", ready));

        assertThat(node.at("/type").asString()).isEqualTo("test_clock.ready");
        assertThat(node.at("/data/object/object").asString()).isEqualTo("test_clock");
        assertThat(node.at("/data/object/now").asString()).isEqualTo("2026-02-03T04:05:06.789Z");
        assertThat(node.at("/data/object/status").asString()).isEqualTo("ready");
        assertThat(io.masthead.webhook.endpoint.application.EndpointService.KNOWN_EVENT_TYPES)
                .contains("test_clock.ready");
    }

    @Test
    void anEntitlementsUpdatedEventIsAWebhookWithTheSetAfterAsItsObjectAndTheSetBeforeBesideIt() {
        var after = io.masthead.events.subscription.CustomerEntitlements.newBuilder().setCustomerId("cus_1")
                .setSource("free_tier").setEntitlements(List.of(io.masthead.events.subscription.Entitlement
                        .newBuilder().setName("newsletter").setGrantedBy(List.of()).setFreeTier(true).build()))
                .build();
        var before = io.masthead.events.subscription.CustomerEntitlements.newBuilder().setCustomerId("cus_1")
                .setSource("subscriptions").setEntitlements(List.of(io.masthead.events.subscription.Entitlement
                        .newBuilder().setName("digital").setGrantedBy(List.of("sub_1")).setFreeTier(false).build()))
                .build();
        var updated = io.masthead.events.subscription.EntitlementsUpdated.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId("3c1f8e0a-1d2b-4c3d-8e9f-0a1b2c3d4e5f")
                        .setEventType("entitlements.updated").setSiteId("site_1").setOccurredAt(OCCURRED)
                        .setProducer("subscription-service").build())
                .setCustomerEntitlements(after).setPrevious(before)
                .setAdded(List.of("newsletter")).setRemoved(List.of("digital"))
                .setReason("subscription_changed").setCauseEventId("9d7e6f5a-4b3c-4d2e-8f1a-0b9c8d7e6f5a")
                .setCauseEventType("subscription.canceled")
                .build();
        JsonNode node = JsonMapper.builder().build().readTree(
                EventPayloads.payload("evt_3", "entitlements.updated", OCCURRED, "site_1", updated));

        assertThat(node.at("/data/object/object").asString()).isEqualTo("customer_entitlements");
        assertThat(node.at("/data/object/customer_id").asString()).isEqualTo("cus_1");
        assertThat(node.at("/data/object/entitlements/0/name").asString()).isEqualTo("newsletter");
        assertThat(node.at("/data/object/entitlements/0/free_tier").asBoolean()).isTrue();
        assertThat(node.at("/data/previous/entitlements/0/granted_by/0").asString()).isEqualTo("sub_1");
        assertThat(node.at("/data/removed/0").asString()).isEqualTo("digital");
        assertThat(node.at("/data/cause_event_type").asString()).isEqualTo("subscription.canceled");
        assertThat(io.masthead.webhook.endpoint.application.EndpointService.KNOWN_EVENT_TYPES)
                .contains("entitlements.updated");
    }

    @Test
    void aPauseIsAWebhookWithTheSubscriptionAsItsObjectAndThePauseBesideIt() {
        io.masthead.events.subscription.Subscription subscription = io.masthead.events.subscription.Subscription
                .newBuilder().setId("sub_1").setCustomerId("cus_1").setStatus("paused").setPlanId("pln_1")
                .setProductId("prd_1").setPlanAmount(1500).setCurrency("usd").setInterval("month")
                .setIntervalCount(1).setQuantity(1).setCollectionMethod("charge_automatically")
                .setStartDate(OCCURRED).setBillingCycleAnchor(OCCURRED).setCurrentPeriodStart(OCCURRED)
                .setCurrentPeriodEnd(OCCURRED.plusSeconds(86_400 * 60)).setAutoRenew(true)
                .setCancelAtPeriodEnd(false).setCreatedAt(OCCURRED).setUpdatedAt(OCCURRED)
                .setPauseStartAt(OCCURRED).setPauseEndAt(OCCURRED.plusSeconds(86_400 * 30)).setPauseUsedThisYear(true)
                .setPausesThisYear(1).build();
        io.masthead.events.subscription.SubscriptionPaused paused = io.masthead.events.subscription.SubscriptionPaused
                .newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId("0b8f0d7e-7c4e-4d55-9a55-0c3b9d2f6a11")
                        .setEventType("subscription.paused").setSiteId("site_1").setOccurredAt(OCCURRED)
                        .setProducer("subscription-service").build())
                .setSubscription(subscription).setPauseId("pau_1").setPauseStartAt(OCCURRED)
                .setPauseEndAt(OCCURRED.plusSeconds(86_400 * 30)).setDurationDays(30).setTrigger("manual")
                .setActorType("customer").setActorId("cus_1").build();
        JsonNode node = JsonMapper.builder().build().readTree(
                EventPayloads.payload("evt_3", "subscription.paused", OCCURRED, "site_1", paused));

        assertThat(node.at("/data/object/object").asString()).isEqualTo("subscription");
        assertThat(node.at("/data/object/status").asString()).isEqualTo("paused");
        assertThat(node.at("/data/object/pause_end_at").asString()).isEqualTo("2026-03-05T04:05:06.789Z");
        assertThat(node.at("/data/object/pauses_this_year").asInt()).isEqualTo(1);
        assertThat(node.at("/data/trigger").asString()).isEqualTo("manual");
        assertThat(node.at("/data/duration_days").asInt()).isEqualTo(30);
        assertThat(node.at("/data/actor_id").asString()).isEqualTo("cus_1");
        assertThat(io.masthead.webhook.endpoint.application.EndpointService.KNOWN_EVENT_TYPES)
                .contains("subscription.paused", "subscription.resumed");
    }
}
