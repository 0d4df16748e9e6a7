package io.masthead.subscription.entitlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.CustomerEntitlements;
import io.masthead.events.subscription.Entitlement;
import io.masthead.events.subscription.EntitlementsUpdated;
import io.masthead.events.subscription.SubscriptionCanceled;
import io.masthead.subscription.entitlement.application.EntitlementSync;
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

/**
 * Entitlements synced from subscriptions.v1 on the real engines: a cancellation downgrades to the free tier with one
 * entitlements.updated; the same event again tells nothing; a second subscription granting the same entitlement keeps
 * it (an event with the changed grantor, no access change); an expiry under simulated time downgrades at its time; a
 * new free tier and new plan entitlements are told to the customers they concern; and the API's answers and
 * refusals.
 */
class EntitlementIntegrationTest extends SubscriptionIntegrationSupport {

    @Autowired
    EntitlementSync sync;

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
        SubscriptionCanceled canceled = (SubscriptionCanceled) topic.awaitOne(r -> r.value()
                instanceof SubscriptionCanceled c && c.getSubscription().getId().equals(sub)).value();
        EventHeader header = canceled.getHeader();

        // a redelivery (same id) is skipped by the inbox; the same change under another id finds nothing changed
        assertThat(sync.onSubscriptionEvent(UUID.fromString(header.getEventId()), header, List.of(customer))
                .block(Duration.ofSeconds(30))).isFalse();
        assertThat(sync.onSubscriptionEvent(UUID.randomUUID(), header, List.of(customer))
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
        // each change taken in before the next: the sync tells the set as it stands when it takes an event in, so
        // two changes quicker than that are told as one
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
    void newPlanEntitlementsAreToldToItsSubscribers() {
        String site = newSite();
        freezeClock(site);
        String plan = planWith(site, true, "digital");
        String customer = customer(site, "Jor", "jor@example.com");
        subscribe(site, Map.of("customer", customer, "plan", plan));
        awaitEntitlementEvents(site, customer, 1);

        patch(site, "/v1/plans/" + plan).bodyValue("{\"entitlements\": [\"digital\", \"crosswords\"]}").exchange()
                .expectStatus().isOk();
        settle(site); // the resync is due work, and this test site's clock stands still until it steps

        EntitlementsUpdated told = awaitEntitlementEvents(site, customer, 2).get(1);
        assertThat(told.getReason()).isEqualTo("plan_changed");
        assertThat(told.getCauseEventType()).isEqualTo("plan.updated");
        assertThat(told.getAdded()).containsExactly("crosswords");
        assertThat(told.getRemoved()).isEmpty();
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
                .jsonPath("$.updated_at").doesNotExist();
    }

    // ---- helpers (a pause's downgrade and resume are told the same way) ---------------------------------------

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
