package io.masthead.subscription.entitlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.CustomerEntitlements;
import io.masthead.events.subscription.Entitlement;
import io.masthead.events.subscription.EntitlementsUpdated;
import io.masthead.events.subscription.SubscriptionCanceled;
import io.masthead.subscription.entitlement.application.EntitlementSync;
import io.masthead.subscription.entitlement.model.EventPosition;
import io.masthead.subscription.entitlement.model.HeldSubscription;
import io.masthead.subscription.subscription.SubscriptionIntegrationSupport;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Entitlements synced from subscriptions.v1 on the real engines: a cancellation downgrades to the free tier with one
 * entitlements.updated; the same event again tells nothing; a second subscription granting the same entitlement keeps
 * it (an event with the changed grantor, no access change); an expiry under simulated time downgrades at its time; a
 * new free tier and new plan entitlements are told to the customers they concern; and the API's answers and
 * refusals.
 */
@TestPropertySource(properties = "masthead.entitlements.resync.batch-size=2")
class EntitlementIntegrationTest extends SubscriptionIntegrationSupport {

    @Autowired
    EntitlementSync sync;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void aCancellationDowngradesToTheFreeTierWithOneEvent() {
        String site = newSite();
        freezeClock(site);
        putFreeTier(site, "newsletter");
        String plan = planWith(site, true, "digital", "print");
        String customer = customer(site, "Clark", "clark@example.com");
        String sub = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();

        EntitlementsUpdated granted = awaitEntitlementEvents(site, customer, 1).getFirst();
        assertThat(granted.getReason()).isEqualTo("subscription_changed");
        assertThat(granted.getCauseEventType()).isEqualTo("subscription.created");
        assertThat(granted.getPrevious().getSource()).isEqualTo("free_tier");
        assertThat(names(granted.getPrevious())).containsExactly("newsletter");
        assertThat(granted.getCustomerEntitlements().getSource()).isEqualTo("subscriptions");
        assertThat(granted.getCustomerEntitlements().getEntitlements()).extracting(Entitlement::getName,
                Entitlement::getGrantedBy).containsExactly(org.assertj.core.groups.Tuple.tuple("digital", List.of(sub)),
                org.assertj.core.groups.Tuple.tuple("print", List.of(sub)));
        assertThat(granted.getAdded()).containsExactly("digital", "print");
        assertThat(granted.getRemoved()).containsExactly("newsletter");
        entitlementsOf(site, customer).jsonPath("$.source").isEqualTo("subscriptions")
                .jsonPath("$.entitlements[0].name").isEqualTo("digital")
                .jsonPath("$.entitlements[0].granted_by[0]").isEqualTo(sub)
                .jsonPath("$.entitlements[0].free_tier").isEqualTo(false);

        post(site, "/v1/subscriptions/" + sub + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();

        EntitlementsUpdated downgraded = awaitEntitlementEvents(site, customer, 2).get(1);
        assertDowngradedToTheFreeTier(downgraded, "subscription.canceled", List.of("newsletter"));
        assertThat(downgraded.getPrevious()).isEqualTo(granted.getCustomerEntitlements());
        entitlementsOf(site, customer).jsonPath("$.object").isEqualTo("customer_entitlements")
                .jsonPath("$.customer").isEqualTo(customer)
                .jsonPath("$.source").isEqualTo("free_tier")
                .jsonPath("$.entitlements.length()").isEqualTo(1)
                .jsonPath("$.entitlements[0].name").isEqualTo("newsletter")
                .jsonPath("$.entitlements[0].free_tier").isEqualTo(true)
                .jsonPath("$.entitlements[0].granted_by.length()").isEqualTo(0);

        settle(site);
        assertThat(entitlementEvents(site, customer)).as("one event per change").hasSize(2);
    }

    @Test
    void theSameEventAgainTellsNothing() {
        String site = newSite();
        freezeClock(site);
        String plan = planWith(site, true, "digital");
        String customer = customer(site, "Lois", "lois@example.com");
        String sub = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();
        awaitEntitlementEvents(site, customer, 1);
        post(site, "/v1/subscriptions/" + sub + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();
        awaitEntitlementEvents(site, customer, 2);
        ConsumerRecord<String, Object> record = topic.awaitOne(r -> r.value()
                instanceof SubscriptionCanceled c && c.getSubscription().getId().equals(sub));
        EventHeader header = ((SubscriptionCanceled) record.value()).getHeader();
        HeldSubscription held = HeldSubscription.of(sub, customer, null, plan, "canceled");
        EventPosition position = new EventPosition(record.partition(), record.offset(), header.getOccurredAt());

        // a redelivery (same id) is skipped by the inbox; the same event under another id is not after the one applied
        assertThat(sync.onSubscriptionEvent(UUID.fromString(header.getEventId()), header, held, position)
                .block(Duration.ofSeconds(30))).isFalse();
        assertThat(sync.onSubscriptionEvent(UUID.randomUUID(), header, held, position)
                .block(Duration.ofSeconds(30))).isTrue();
        // nor is an older one: the creation read again does not bring the access back
        assertThat(sync.onSubscriptionEvent(UUID.randomUUID(), header, HeldSubscription.of(sub, customer, null, plan,
                "active"), new EventPosition(record.partition(), record.offset() - 1, header.getOccurredAt()))
                .block(Duration.ofSeconds(30))).isTrue();

        settle(site);
        assertThat(entitlementEvents(site, customer)).extracting(e -> e.getCauseEventType())
                .containsExactly("subscription.created", "subscription.canceled");
    }

    @Test
    void twoSubscriptionsGrantingTheSameEntitlementCancelOneTheOtherStillGrantsIt() {
        String site = newSite();
        freezeClock(site);
        String customer = customer(site, "Jimmy", "jimmy@example.com");
        String first = subscribe(site, Map.of("customer", customer, "plan", planWith(site, true, "digital")))
                .get("id").toString();
        // each change awaited in turn, so the events are indexed by their order
        awaitEntitlementEvents(site, customer, 1);
        String second = subscribe(site, Map.of("customer", customer, "plan", planWith(site, true, "digital",
                "archive"))).get("id").toString();
        awaitEntitlementEvents(site, customer, 2);

        post(site, "/v1/subscriptions/" + first + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();

        EntitlementsUpdated grantorChanged = awaitEntitlementEvents(site, customer, 3).get(2);
        assertThat(grantorChanged.getAdded()).as("no access changed").isEmpty();
        assertThat(grantorChanged.getRemoved()).isEmpty();
        assertThat(grantorChanged.getPrevious().getEntitlements()).extracting(Entitlement::getName,
                Entitlement::getGrantedBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple("archive", List.of(second)),
                org.assertj.core.groups.Tuple.tuple("digital", List.of(first, second)));
        assertThat(grantorChanged.getCustomerEntitlements().getEntitlements()).extracting(Entitlement::getName,
                Entitlement::getGrantedBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple("archive", List.of(second)),
                org.assertj.core.groups.Tuple.tuple("digital", List.of(second)));
        entitlementsOf(site, customer).jsonPath("$.entitlements[1].name").isEqualTo("digital")
                .jsonPath("$.entitlements[1].granted_by.length()").isEqualTo(1)
                .jsonPath("$.entitlements[1].granted_by[0]").isEqualTo(second);
    }

    @Test
    void twoChangesTakenInAfterBothCommittedAreEachTold() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String plan = planWith(site, true, "digital");
        String customer = customer(site, "Bruce", "bruce@example.com");
        MessageListenerContainer consumer = listeners.getListenerContainer("subscription-entitlements");
        consumer.pause();
        String sub;
        try {
            awaitPaused(consumer);
            sub = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();
            post(site, "/v1/subscriptions/" + sub + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();
            topic.awaitOne(r -> r.value() instanceof SubscriptionCanceled c && c.getSubscription().getId().equals(sub));
        } finally {
            consumer.resume();
        }

        List<EntitlementsUpdated> told = awaitEntitlementEvents(site, customer, 2);
        assertThat(told.get(0).getCauseEventType()).isEqualTo("subscription.created");
        assertThat(told.get(0).getAdded()).containsExactly("digital");
        assertThat(told.get(0).getCustomerEntitlements().getEntitlements()).extracting(Entitlement::getGrantedBy)
                .containsExactly(List.of(sub));
        assertDowngradedToTheFreeTier(told.get(1), "subscription.canceled", List.of());
        assertThat(told.get(1).getPrevious()).isEqualTo(told.get(0).getCustomerEntitlements());
        assertThat(told).allSatisfy(e -> assertThat(e.getHeader().getOccurredAt()).isEqualTo(t0));
    }

    @Test
    void aPauseDowngradesAndAResumeRestoresEachToldWithItsOwnCauseAndTime() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        putFreeTier(site, "newsletter");
        String plan = planWith(site, true, "digital");
        String customer = "cus_" + UUID.randomUUID().toString().replace("-", "");
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        Instant paused = t0.plus(Duration.ofDays(3));
        Instant resumed = t0.plus(Duration.ofDays(10));

        // three events of one subscription taken in back to back, each from its own snapshot
        EventHeader created = craftedHeader(site, "subscription.created", t0, null);
        EventHeader pause = craftedHeader(site, "subscription.paused", paused, "req_pause");
        EventHeader resume = craftedHeader(site, "subscription.resumed", resumed, "req_resume");
        apply(created, HeldSubscription.of(sub, customer, null, plan, "active"), 1, t0);
        apply(pause, HeldSubscription.of(sub, customer, null, plan, "paused"), 2, paused);
        apply(resume, HeldSubscription.of(sub, customer, null, plan, "active"), 3, resumed);
        // the pause read again (another id, its old position) changes nothing
        apply(craftedHeader(site, "subscription.paused", paused, null), HeldSubscription.of(sub, customer, null, plan,
                "paused"), 2, paused);

        List<EntitlementsUpdated> told = awaitEntitlementEvents(site, customer, 3);
        assertThat(told.get(0).getCauseEventId()).isEqualTo(created.getEventId());
        assertThat(told.get(0).getHeader().getOccurredAt()).isEqualTo(t0);
        assertThat(told.get(0).getAdded()).containsExactly("digital");
        assertDowngradedToTheFreeTier(told.get(1), "subscription.paused", List.of("newsletter"));
        assertThat(told.get(1).getCauseEventId()).isEqualTo(pause.getEventId());
        assertThat(told.get(1).getHeader().getOccurredAt()).as("the pause's time").isEqualTo(paused);
        assertThat(told.get(1).getHeader().getCorrelationId()).isEqualTo("req_pause");
        assertThat(told.get(2).getCauseEventType()).isEqualTo("subscription.resumed");
        assertThat(told.get(2).getHeader().getOccurredAt()).isEqualTo(resumed);
        assertThat(told.get(2).getHeader().getCorrelationId()).isEqualTo("req_resume");
        assertThat(told.get(2).getAdded()).containsExactly("digital");
        assertThat(told.get(2).getRemoved()).containsExactly("newsletter");

        settle(site);
        assertThat(entitlementEvents(site, customer)).as("one event per change").hasSize(3);
    }

    @Test
    void anExpiryUnderSimulatedTimeDowngradesAtItsTime() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        putFreeTier(site, "newsletter", "free_articles");
        String customer = customer(site, "Perry", "perry@example.com");
        Map<String, Object> term = subscribe(site, Map.of("customer", customer, "plan", planWith(site, false,
                "digital")));
        Instant end = Instant.parse(term.get("current_period_end").toString());

        advance(site, end.plus(Duration.ofHours(1)));

        List<EntitlementsUpdated> told = entitlementEvents(site, customer);
        assertThat(told).hasSize(2);
        assertThat(told.get(0).getHeader().getOccurredAt()).isEqualTo(t0);
        assertDowngradedToTheFreeTier(told.get(1), "subscription.expired", List.of("free_articles", "newsletter"));
        assertThat(told.get(1).getHeader().getOccurredAt()).as("at the simulated expiry").isEqualTo(end);
    }

    @Test
    void aNewFreeTierIsToldToTheCustomersOnTheFreeTierOnly() {
        String site = newSite();
        freezeClock(site);
        String plan = planWith(site, true, "digital");
        String subscriber = customer(site, "Sub", "sub@example.com");
        subscribe(site, Map.of("customer", subscriber, "plan", plan));
        List<String> lapsed = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String customer = customer(site, "Lapsed" + i, "lapsed" + i + "@example.com");
            String sub = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();
            awaitEntitlementEvents(site, customer, 1);
            post(site, "/v1/subscriptions/" + sub + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();
            lapsed.add(customer);
        }
        settle(site);
        assertThat(lapsed).allSatisfy(c -> assertThat(entitlementEvents(site, c)).hasSize(2));

        put(site, "/v1/entitlement_settings").bodyValue("{\"free_tier\": [\"newsletter\", \"archive\"]}").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.object").isEqualTo("entitlement_settings")
                .jsonPath("$.free_tier[0]").isEqualTo("archive")
                .jsonPath("$.free_tier[1]").isEqualTo("newsletter")
                .jsonPath("$.updated_at").isNotEmpty();
        settle(site);

        for (String c : lapsed) {
            List<EntitlementsUpdated> told = entitlementEvents(site, c);
            assertThat(told).hasSize(3);
            EntitlementsUpdated last = told.getLast();
            assertThat(last.getReason()).isEqualTo("free_tier_changed");
            assertThat(last.getCauseEventId()).isNull();
            assertThat(last.getAdded()).containsExactly("archive", "newsletter");
            assertThat(last.getCustomerEntitlements().getSource()).isEqualTo("free_tier");
        }
        assertThat(entitlementEvents(site, subscriber)).as("a subscriber's access is its plan's").hasSize(1);
        get(site, "/v1/entitlement_settings").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.free_tier.length()").isEqualTo(2);

        // the same names again change nothing
        put(site, "/v1/entitlement_settings").bodyValue("{\"free_tier\": [\"archive\", \"newsletter\"]}").exchange()
                .expectStatus().isOk();
        settle(site);
        assertThat(lapsed).allSatisfy(c -> assertThat(entitlementEvents(site, c)).hasSize(3));
    }

    @Test
    void newPlanEntitlementsAreToldToItsSubscribersInBatches() {
        String site = newSite();
        freezeClock(site);
        String plan = planWith(site, true, "digital");
        List<String> holders = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) { // batches of 2 in this test: the second batch is scheduled by the first
            String customer = customer(site, "Jor" + i, "jor" + i + "@example.com");
            subscribe(site, Map.of("customer", customer, "plan", plan));
            awaitEntitlementEvents(site, customer, 1);
            holders.add(customer);
        }

        patch(site, "/v1/plans/" + plan).bodyValue("{\"entitlements\": [\"digital\", \"crosswords\"]}").exchange()
                .expectStatus().isOk();
        settle(site); // the resync is due work, and this test site's clock stands still until it steps

        for (String customer : holders) {
            EntitlementsUpdated told = awaitEntitlementEvents(site, customer, 2).get(1);
            assertThat(told.getReason()).isEqualTo("plan_changed");
            assertThat(told.getCauseEventType()).isEqualTo("plan.updated");
            assertThat(told.getAdded()).containsExactly("crosswords");
            assertThat(told.getRemoved()).isEmpty();
        }
        settle(site);
        assertThat(holders).allSatisfy(c -> assertThat(entitlementEvents(site, c)).hasSize(2));
    }

    @Test
    void aGiftGrantsItsRecipientAndNotItsPayer() {
        String site = newSite();
        freezeClock(site);
        putFreeTier(site, "newsletter");
        String plan = planWith(site, true, "digital");
        String payer = customer(site, "Martha", "martha@example.com");
        String recipient = customer(site, "Jonathan", "jonathan@example.com");
        String gift = subscribe(site, Map.of("customer", payer, "plan", plan, "gift", Map.of("recipient", recipient)))
                .get("id").toString();

        EntitlementsUpdated told = awaitEntitlementEvents(site, recipient, 1).getFirst();
        assertThat(told.getCauseEventType()).isEqualTo("subscription.created");
        assertThat(told.getCustomerEntitlements().getEntitlements()).extracting(Entitlement::getName,
                Entitlement::getGrantedBy).containsExactly(org.assertj.core.groups.Tuple.tuple("digital", List.of(gift)));
        entitlementsOf(site, recipient).jsonPath("$.entitlements[0].granted_by[0]").isEqualTo(gift);
        entitlementsOf(site, payer).jsonPath("$.source").isEqualTo("free_tier")
                .jsonPath("$.entitlements[0].name").isEqualTo("newsletter");

        settle(site);
        assertThat(entitlementEvents(site, payer)).as("the payer of a gift holds nothing").isEmpty();
    }

    @Test
    void pastDueGrantsAndUnpaidDoesNot() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String plan = planWith(site, true, "digital");
        String customer = "cus_" + UUID.randomUUID().toString().replace("-", "");
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");

        apply(craftedHeader(site, "subscription.created", t0, null),
                HeldSubscription.of(sub, customer, null, plan, "active"), 1, t0);
        apply(craftedHeader(site, "subscription.updated", t0.plusSeconds(60), null),
                HeldSubscription.of(sub, customer, null, plan, "past_due"), 2, t0.plusSeconds(60));
        apply(craftedHeader(site, "subscription.updated", t0.plusSeconds(120), null),
                HeldSubscription.of(sub, customer, null, plan, "unpaid"), 3, t0.plusSeconds(120));

        List<EntitlementsUpdated> told = awaitEntitlementEvents(site, customer, 2);
        assertThat(told.get(0).getAdded()).containsExactly("digital");
        assertThat(told.get(1).getHeader().getOccurredAt()).as("past_due kept the access; unpaid ended it")
                .isEqualTo(t0.plusSeconds(120));
        assertDowngradedToTheFreeTier(told.get(1), "subscription.updated", List.of());
        settle(site);
        assertThat(entitlementEvents(site, customer)).hasSize(2);
    }

    @Test
    void aCustomerReadsItsOwnEntitlementsOnlyAndBadSettingsAreRefused() {
        String site = newSite();
        freezeClock(site);
        String customer = customer(site, "Own", "own@example.com");
        String other = customer(site, "Other", "other@example.com");

        web.get().uri("/v1/customers/" + customer + "/entitlements")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.customer(site, customer)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.source").isEqualTo("free_tier");
        web.get().uri("/v1/customers/" + other + "/entitlements")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.customer(site, customer)).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.put().uri("/v1/entitlement_settings")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.customer(site, customer))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"free_tier\": [\"all\"]}").exchange()
                .expectStatus().isForbidden();
        web.get().uri("/v1/entitlement_settings")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.customer(site, customer)).exchange()
                .expectStatus().isForbidden();
        get(site, "/v1/customers/cus_01HZX3M2Q4R5S6T7V8W9XAYBZC/entitlements").exchange().expectStatus()
                .isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        get(newSite(), "/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isNotFound();
        get(site, "/v1/customers/nonsense/entitlements").exchange().expectStatus().isNotFound();

        assertProblem(put(site, "/v1/entitlement_settings").bodyValue("{}").exchange(), 422, "free_tier");
        assertProblem(put(site, "/v1/entitlement_settings").bodyValue("{\"free_tier\": [\"ok\", \"no way\"]}")
                .exchange(), 422, "free_tier.1");
        put(site, "/v1/entitlement_settings").bodyValue("{\"free_tier\": [], \"extra\": 1}").exchange()
                .expectStatus().isBadRequest();
        get(site, "/v1/entitlement_settings").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.free_tier.length()").isEqualTo(0)
                .jsonPath("$.updated_at").doesNotExist(); // the refused PUTs changed nothing
    }

    // ---- helpers (a pause's downgrade and resume are told the same way) ---------------------------------------

    /** A header as subscription-service writes it, of the site in test mode. */
    private static EventHeader craftedHeader(String site, String type, Instant at, String correlationId) {
        return EventHeader.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType(type).setSiteId(site)
                .setOccurredAt(at).setProducer("subscription-service").setCorrelationId(correlationId)
                .setLivemode(false).build();
    }

    /** Takes in a crafted event of {@code subscriptions.v1} at offset {@code offset} of a partition of its own. */
    private void apply(EventHeader header, HeldSubscription held, long offset, Instant at) {
        assertThat(sync.onSubscriptionEvent(UUID.fromString(header.getEventId()), header, held,
                new EventPosition(Integer.MAX_VALUE, offset, at)).block(Duration.ofSeconds(30))).isTrue();
    }

    /** Waits until the consumer stopped polling (a positive marker, not a time). */
    private static void awaitPaused(MessageListenerContainer consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!consumer.isContainerPaused()) {
            assertThat(System.nanoTime()).as("the entitlement consumer pauses").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** {@code told} is the downgrade of a customer to the free tier {@code freeTier}, caused by {@code causeType}. */
    protected static void assertDowngradedToTheFreeTier(EntitlementsUpdated told, String causeType,
            List<String> freeTier) {
        assertThat(told.getReason()).isEqualTo("subscription_changed");
        assertThat(told.getCauseEventType()).isEqualTo(causeType);
        assertThat(told.getPrevious().getSource()).isEqualTo("subscriptions");
        assertThat(told.getCustomerEntitlements().getSource()).isEqualTo("free_tier");
        assertThat(names(told.getCustomerEntitlements())).containsExactlyElementsOf(freeTier);
        assertThat(told.getCustomerEntitlements().getEntitlements()).allSatisfy(e -> {
            assertThat(e.getFreeTier()).isTrue();
            assertThat(e.getGrantedBy()).isEmpty();
        });
        assertThat(told.getRemoved()).isNotEmpty();
    }

    private static List<String> names(CustomerEntitlements set) {
        return set.getEntitlements().stream().map(Entitlement::getName).toList();
    }

    /** A plan of a new product with these entitlements, renewing or a one-time term. */
    private String planWith(String site, boolean autoRenew, String... entitlements) {
        String product = product(site, false);
        return created(post(site, "/v1/plans").bodyValue(Map.of("product", product, "nickname", "Entitled",
                "amount", 1_000, "currency", "usd", "interval", "month", "auto_renew", autoRenew,
                "entitlements", List.of(entitlements)))).get("id").toString();
    }

    private void putFreeTier(String site, String... names) {
        put(site, "/v1/entitlement_settings").bodyValue(Map.of("free_tier", List.of(names))).exchange()
                .expectStatus().isOk();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.RequestBodySpec put(String site, String path) {
        return web.put().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .contentType(MediaType.APPLICATION_JSON);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.BodyContentSpec entitlementsOf(String site,
            String customer) {
        return get(site, "/v1/customers/" + customer + "/entitlements").exchange().expectStatus().isOk()
                .expectBody();
    }

    /** Every event of the site is taken in and what it caused published: a one-second step of its test clock. */
    private void settle(String site) {
        advance(site, siteTime.now(site, false).block().plusSeconds(1));
    }

    private List<EntitlementsUpdated> awaitEntitlementEvents(String site, String customer, int count) {
        return topic.await(r -> isEntitlementEvent(r, site, customer), count, Duration.ofSeconds(60)).stream()
                .map(r -> (EntitlementsUpdated) r.value()).toList();
    }

    private List<EntitlementsUpdated> entitlementEvents(String site, String customer) {
        return everythingPublished(site).stream().filter(r -> isEntitlementEvent(r, site, customer))
                .map(r -> (EntitlementsUpdated) r.value()).toList();
    }

    private static boolean isEntitlementEvent(ConsumerRecord<String, Object> r, String site, String customer) {
        return r.value() instanceof EntitlementsUpdated e && e.getHeader().getSiteId().equals(site)
                && customer.equals(r.key()) && e.getCustomerEntitlements().getCustomerId().equals(customer);
    }
}
