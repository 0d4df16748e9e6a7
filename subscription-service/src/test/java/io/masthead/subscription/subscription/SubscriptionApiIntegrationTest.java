package io.masthead.subscription.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.subscription.SubscriptionCanceled;
import io.masthead.events.subscription.SubscriptionCreated;
import io.masthead.events.subscription.SubscriptionRenewalScheduled;
import io.masthead.events.subscription.SubscriptionUpdated;
import io.masthead.platform.duework.DueWork;
import io.masthead.subscription.customer.model.AddressType;
import io.masthead.subscription.subscription.model.Lifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/** Every subscription endpoint over HTTP against the real engines; every change checked on subscriptions.v1. */
class SubscriptionApiIntegrationTest extends SubscriptionIntegrationSupport {

    @Autowired
    DueWork dueWork;

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(String site, String id) {
        return get(site, "/v1/subscriptions/" + id).exchange().expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
    }

    @Test
    void createReadsBackAndEmitsTheFullSnapshot() {
        String site = newSite();
        Instant now = freezeClock(site);
        String plan = plan(site, 1_500, "month", 1, true, 2, "regular", null, true);
        String customer = customer(site, "Perry", "perry@example.com");
        String shipping = address(site, customer, AddressType.SHIPPING, "Daily Planet");
        Map<String, Object> s = subscribe(site, Map.of("customer", customer, "plan", plan, "quantity", 3,
                "shipping_address", shipping, "collection_method", "send_invoice", "days_until_due", 10,
                "metadata", Map.of("source", "test")));

        String id = s.get("id").toString();
        assertThat(id).startsWith("sub_");
        assertThat(s).containsEntry("object", "subscription").containsEntry("status", "active")
                .containsEntry("customer", customer).containsEntry("plan", plan).containsEntry("quantity", 3)
                .containsEntry("shipments_remaining", 6).containsEntry("auto_renew", true)
                .containsEntry("collection_method", "send_invoice").containsEntry("days_until_due", 10)
                .containsEntry("shipping_address", shipping).containsEntry("type", "regular")
                .containsEntry("amount", 1500).containsEntry("currency", "usd");
        Instant end = now.atZone(java.time.ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(s.get("current_period_start")).isEqualTo(now.toString());
        assertThat(s.get("current_period_end")).isEqualTo(end.toString());
        assertThat(s.get("renews_at")).isEqualTo(end.toString());
        assertThat(s.get("next_invoice_date")).isEqualTo(end.toString());
        assertThat(s).containsEntry("expires_at", null);
        assertThat(s.get("created_at")).isEqualTo(now.toString()); // the site's (frozen) time
        assertThat(read(site, id)).isEqualTo(s);

        List<ConsumerRecord<String, Object>> events = events(site, id);
        assertThat(events).hasSize(1);
        SubscriptionCreated created = (SubscriptionCreated) events.getFirst().value();
        assertThat(events.getFirst().key()).isEqualTo(customer);
        assertThat(created.getHeader().getEventType()).isEqualTo("subscription.created");
        assertThat(created.getHeader().getOccurredAt()).isEqualTo(now);
        assertThat(created.getHeader().getProducer()).isEqualTo("subscription-service");
        var snap = created.getSubscription();
        assertThat(snap.getPlanAmount()).isEqualTo(1_500);
        assertThat(snap.getCurrency()).isEqualTo("usd");
        assertThat(snap.getInterval()).isEqualTo("month");
        assertThat(snap.getQuantity()).isEqualTo(3);
        assertThat(snap.getCollectionMethod()).isEqualTo("send_invoice");
        assertThat(snap.getDaysUntilDue()).isEqualTo(10);
        assertThat(snap.getRenewsAt()).isEqualTo(end);
        assertThat(snap.getExpiresAt()).isNull();
        assertThat(snap.getAutoRenew()).isTrue();
        assertThat(snap.getNextInvoiceDate()).isEqualTo(end);
        assertThat(snap.getMetadata()).containsEntry("source", "test");

        // the renewal is a row with its due time
        assertThat(dueWork.find(Lifecycle.PERIOD_END, id).block().item().dueAt()).isEqualTo(end);
    }

    @Test
    void listFiltersPaginatesAndTheExportHoldsExactlyTheListedRowsOfEveryStatus() {
        String site = newSite();
        freezeClock(site);
        String monthly = monthlyPlan(site);
        String weekly = plan(site, 300, "week", 1, true, 0, "regular", null, false);
        String alice = customer(site, "Alice", "alice@example.com");
        String bob = customer(site, "Bob", "bob@example.com");
        String a1 = subscribe(site, Map.of("customer", alice, "plan", monthly)).get("id").toString();
        String a2 = subscribe(site, Map.of("customer", alice, "plan", weekly)).get("id").toString();
        String b1 = subscribe(site, Map.of("customer", bob, "plan", monthly)).get("id").toString();
        String b2 = subscribe(site, Map.of("customer", bob, "plan", weekly)).get("id").toString();
        post(site, "/v1/subscriptions/" + b2 + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();

        assertThat(listIds(site, "")).containsExactly(b2, b1, a2, a1);
        assertThat(listIds(site, "customer=" + alice)).containsExactly(a2, a1);
        assertThat(listIds(site, "plan=" + weekly)).containsExactly(b2, a2);
        assertThat(listIds(site, "status=canceled")).containsExactly(b2);
        assertThat(listIds(site, "status=active&plan=" + monthly)).containsExactly(b1, a1);

        // pagination
        Map<?, ?> page1 = listPage(site, "limit=3");
        assertThat(page1.get("has_more")).isEqualTo(true);
        Map<?, ?> page2 = listPage(site, "limit=3&starting_after=" + page1.get("next_cursor"));
        assertThat(ids(page2)).containsExactly(a1);
        assertThat(page2.get("has_more")).isEqualTo(false);

        // created range: [created_gte, created_lt)
        Map<String, Object> b1Resource = read(site, b1);
        String at = b1Resource.get("created_at").toString();
        assertThat(listIds(site, "created_gte=" + at)).containsAll(List.of(b1, b2));
        assertThat(listIds(site, "created_lt=" + at)).doesNotContain(b1, b2);

        for (String filter : List.of("", "customer=" + bob, "plan=" + weekly, "status=canceled",
                "status=active&plan=" + monthly, "created_gte=" + at)) {
            assertThat(exportIds(site, filter)).as(filter).containsExactlyElementsOf(listIds(site, filter));
        }
        String csv = export(site, "");
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("id,status,customer,plan,");
        assertThat(csv).contains(b2 + ",canceled,");

        assertProblem(get(site, "/v1/subscriptions?status=cancelled").exchange(), 422, "status");
        assertProblem(get(site, "/v1/subscriptions?created_gte=yesterday").exchange(), 422, "created_gte");
        assertProblem(get(site, "/v1/subscriptions/export?status=gone").exchange(), 422, "status");
    }

    private Map<?, ?> listPage(String site, String query) {
        return get(site, "/v1/subscriptions?" + query).exchange().expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
    }

    private List<String> listIds(String site, String query) {
        return ids(listPage(site, "limit=100&" + query));
    }

    private static List<String> ids(Map<?, ?> page) {
        return ((List<?>) page.get("data")).stream().map(o -> ((Map<?, ?>) o).get("id").toString()).toList();
    }

    private String export(String site, String query) {
        return get(site, "/v1/subscriptions/export?" + query).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private List<String> exportIds(String site, String query) {
        return Arrays.stream(export(site, query).split("\r\n")).skip(1).map(line -> line.split(",")[0]).toList();
    }

    @Test
    void searchFindsSubscriptionsByTheCustomersNameEmailPhoneCompanyOrDepartment() {
        String site = newSite();
        freezeClock(site);
        String plan = monthlyPlan(site);
        String lois = customer(site, "Lois", "lois@planet.example");
        String clark = customer(site, "Clark", "clark@kent.example");
        address(site, lois, AddressType.BILLING, "Galaxy Broadcasting");
        String loisSub = subscribe(site, Map.of("customer", lois, "plan", plan)).get("id").toString();
        String clarkSub = subscribe(site, Map.of("customer", clark, "plan", plan)).get("id").toString();

        assertThat(ids(search(site, "lois"))).containsExactly(loisSub);
        assertThat(ids(search(site, "kent.example"))).containsExactly(clarkSub);
        assertThat(ids(search(site, "galaxy"))).containsExactly(loisSub);
        assertThat(ids(search(site, "Tester"))).containsExactlyInAnyOrder(loisSub, clarkSub);
        assertThat(ids(search(site, "nobody-matches"))).isEmpty();
        assertProblem(get(site, "/v1/subscriptions/search?query=x").exchange(), 422, "query");
        assertThat(ids(search(newSite(), "lois"))).isEmpty();
    }

    private Map<?, ?> search(String site, String query) {
        return get(site, "/v1/subscriptions/search?query=" + query).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    @SuppressWarnings("unchecked")
    void patchChangesShipmentsAddressesAndFlagsAndEmitsTheChangedFields() {
        String site = newSite();
        freezeClock(site);
        String plan = plan(site, 900, "month", 1, true, 4, "regular", null, true);
        String customer = customer(site, "Jimmy", "jimmy@example.com");
        String first = address(site, customer, AddressType.SHIPPING, null);
        String second = address(site, customer, AddressType.SHIPPING, null);
        String id = subscribe(site, Map.of("customer", customer, "plan", plan, "shipping_address", first))
                .get("id").toString();

        patch(site, "/v1/subscriptions/" + id).bodyValue("""
                {"shipping_address": "%s", "shipments_remaining": 2, "shipments_undeliverable": true,
                 "shipments_suspended_until": "2030-01-01T00:00:00Z", "auto_renew": false,
                 "metadata": {"note": "travelling"}}""".formatted(second)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.shipping_address").isEqualTo(second)
                .jsonPath("$.shipments_remaining").isEqualTo(2)
                .jsonPath("$.shipments_undeliverable").isEqualTo(true)
                .jsonPath("$.shipments_suspended_until").isEqualTo("2030-01-01T00:00:00Z")
                .jsonPath("$.suspended_until").isEqualTo("2030-01-01T00:00:00Z")
                .jsonPath("$.auto_renew").isEqualTo(false)
                .jsonPath("$.renews_at").doesNotExist()
                .jsonPath("$.expires_at").exists();

        List<ConsumerRecord<String, Object>> events = events(site, id);
        assertThat(events).extracting(r -> header(r.value()).getEventType())
                .containsExactly("subscription.created", "subscription.updated");
        SubscriptionUpdated updated = (SubscriptionUpdated) events.get(1).value();
        assertThat(updated.getChangedFields()).contains("shipping_address", "shipments_remaining",
                "shipments_undeliverable", "shipments_suspended_until", "auto_renew", "metadata", "renews_at",
                "expires_at");
        assertThat(updated.getSubscription().getAutoRenew()).isFalse();
        assertThat(updated.getSubscription().getExpiresAt()).isNotNull();

        patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipments_suspended_until\": null}").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.suspended_until").doesNotExist();

        // bad patches
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipments_remaining\": -1}").exchange(),
                422, "shipments_remaining");
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"quantity\": 2}").exchange(), 422,
                "quantity");
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"auto_renew\": \"yes\"}").exchange(),
                422, "auto_renew");
        // null is no value of a flag: each named, with the metadata's and the types' violations in one problem
        patch(site, "/v1/subscriptions/" + id).bodyValue("""
                {"cancel_at_period_end": null, "auto_renew": null, "shipments_undeliverable": null,
                 "shipments_remaining": "3", "metadata": {"%s": "x"}}""".formatted("k".repeat(41))).exchange()
                .expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[*].field").value(fields -> assertThat((List<String>) fields)
                        .containsExactlyInAnyOrder("cancel_at_period_end", "auto_renew", "shipments_undeliverable",
                                "shipments_remaining", "metadata." + "k".repeat(41)));
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipping_address\": null}").exchange(),
                422, "shipping_address");
        String strangers = address(site, customer(site, "Other", "other@example.com"), AddressType.SHIPPING, null);
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipping_address\": \"" + strangers
                + "\"}").exchange(), 422, "shipping_address");
    }

    @Test
    void cancelNowEndsItAtOnceWithTheRefundAndRemovesEveryFutureItem() {
        String site = newSite();
        Instant now = freezeClock(site);
        String plan = monthlyPlan(site);
        String customer = customer(site, "Cat", "cat@example.com");
        String id = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();
        assertThat(dueWork.find(Lifecycle.PERIOD_END, id).blockOptional()).isPresent();

        post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{\"refund\": \"full\"}").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("canceled")
                .jsonPath("$.canceled_at").isEqualTo(now.toString())
                .jsonPath("$.ended_at").isEqualTo(now.toString())
                .jsonPath("$.renews_at").doesNotExist()
                .jsonPath("$.next_invoice_date").doesNotExist();
        assertThat(dueWork.find(Lifecycle.PERIOD_END, id).blockOptional()).isEmpty();

        List<ConsumerRecord<String, Object>> events = events(site, id);
        SubscriptionCanceled canceled = (SubscriptionCanceled) events.getLast().value();
        assertThat(canceled.getRefund()).isEqualTo("full");
        assertThat(canceled.getRefundAmount()).isEqualTo(1_500);
        assertThat(canceled.getSubscription().getStatus()).isEqualTo("canceled");

        // terminal stays terminal: nothing written, no event
        assertProblem(post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{}").exchange(), 409,
                "subscription");
        assertProblem(post(site, "/v1/subscriptions/" + id + "/renew").bodyValue("{}").exchange(), 409,
                "subscription");
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"auto_renew\": true}").exchange(), 409,
                "subscription");
        assertThat(eventTypes(site, id)).containsExactly("subscription.created", "subscription.canceled");
    }

    @Test
    void cancelAtPeriodEndKeepsItRunningUntilThenAndARefundIsRefused() {
        String site = newSite();
        freezeClock(site);
        String plan = monthlyPlan(site);
        String id = subscribe(site, Map.of("customer", customer(site, "Dan", "dan@example.com"), "plan", plan))
                .get("id").toString();
        assertProblem(post(site, "/v1/subscriptions/" + id + "/cancel")
                .bodyValue("{\"at_period_end\": true, \"refund\": \"prorated\"}").exchange(), 422, "refund");
        assertProblem(post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{\"refund\": \"half\"}")
                .exchange(), 422, "refund");
        post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{\"at_period_end\": true}").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.cancel_at_period_end").isEqualTo(true)
                .jsonPath("$.renews_at").doesNotExist()
                .jsonPath("$.expires_at").exists();
        assertThat(dueWork.find(Lifecycle.PERIOD_END, id).blockOptional()).isPresent();
        assertProblem(post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{\"at_period_end\": true}")
                .exchange(), 409, "subscription");
        assertThat(eventTypes(site, id)).containsExactly("subscription.created", "subscription.updated");
    }

    @Test
    void changePlanCancelsWithTheRefundAndStartsTheNewOneInOneTransaction() {
        String site = newSite();
        freezeClock(site);
        String monthly = monthlyPlan(site);
        String yearly = plan(site, 12_000, "year", 1, true, 12, "regular", null, false);
        String customer = customer(site, "Eve", "eve@example.com");
        String old = subscribe(site, Map.of("customer", customer, "plan", monthly, "quantity", 2)).get("id")
                .toString();

        Map<String, Object> next = created(post(site, "/v1/subscriptions/" + old + "/change_plan")
                .bodyValue(Map.of("plan", yearly, "refund", "prorated")));
        String id = next.get("id").toString();
        assertThat(next).containsEntry("replaces", old).containsEntry("plan", yearly).containsEntry("status", "active")
                .containsEntry("customer", customer).containsEntry("quantity", 2)
                .containsEntry("shipments_remaining", 24);
        assertThat(read(site, old)).containsEntry("status", "canceled");

        List<ConsumerRecord<String, Object>> all = everythingPublished(site);
        List<String> sequence = all.stream().filter(r -> isSubscriptionEvent(r, old) || isSubscriptionEvent(r, id))
                .map(r -> header(r.value()).getEventType() + " " + snapshot(r.value()).getId()).toList();
        assertThat(sequence).containsExactly("subscription.created " + old, "subscription.canceled " + old,
                "subscription.created " + id);
        SubscriptionCanceled canceled = (SubscriptionCanceled) all.stream()
                .filter(r -> r.value() instanceof SubscriptionCanceled).findFirst().orElseThrow().value();
        assertThat(canceled.getRefund()).isEqualTo("prorated");
        assertThat(canceled.getRefundAmount()).isEqualTo(3_000); // the whole period is unused at the site's frozen time
        assertThat(canceled.getReplacedBy()).isEqualTo(id);
        SubscriptionCreated created = (SubscriptionCreated) all.stream()
                .filter(r -> r.value() instanceof SubscriptionCreated c && c.getSubscription().getId().equals(id))
                .findFirst().orElseThrow().value();
        assertThat(created.getReplaces()).isEqualTo(old);

        // an ended subscription cannot change plan; an unknown plan is named
        assertProblem(post(site, "/v1/subscriptions/" + old + "/change_plan").bodyValue(Map.of("plan", yearly))
                .exchange(), 409, "subscription");
        assertProblem(post(site, "/v1/subscriptions/" + id + "/change_plan")
                .bodyValue(Map.of("plan", "pln_00000000000000000000000000")).exchange(), 422, "plan");
        assertThat(rows(site, "subscriptions")).isEqualTo(2);
    }

    @Test
    void renewAheadSchedulesTheNextTermAtThePeriodEnd() {
        String site = newSite();
        freezeClock(site);
        String oneTime = plan(site, 5_000, "year", 1, false, 0, "regular", null, false);
        String yearly = plan(site, 9_000, "year", 1, true, 0, "regular", null, false);
        String id = subscribe(site, Map.of("customer", customer(site, "Matt", "matt@example.com"), "plan", oneTime))
                .get("id").toString();
        Map<String, Object> before = read(site, id);
        assertThat(before.get("expires_at")).isNotNull();
        assertThat(before).containsEntry("renews_at", null);

        post(site, "/v1/subscriptions/" + id + "/renew").bodyValue(Map.of("plan", yearly)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.scheduled_renewal.plan").isEqualTo(yearly)
                .jsonPath("$.scheduled_renewal.amount").isEqualTo(9000)
                .jsonPath("$.scheduled_renewal.starts_at").isEqualTo(before.get("current_period_end"))
                .jsonPath("$.renews_at").isEqualTo(before.get("current_period_end"))
                .jsonPath("$.expires_at").doesNotExist();
        List<ConsumerRecord<String, Object>> events = events(site, id);
        SubscriptionRenewalScheduled scheduled = (SubscriptionRenewalScheduled) events.getLast().value();
        assertThat(scheduled.getSubscription().getScheduledRenewal().getPlanAmount()).isEqualTo(9_000);
        assertThat(scheduled.getSubscription().getScheduledRenewal().getStartsAt().toString())
                .isEqualTo(before.get("current_period_end"));

        assertProblem(post(site, "/v1/subscriptions/" + id + "/renew").bodyValue("{}").exchange(), 409,
                "subscription");
        assertProblem(post(site, "/v1/subscriptions/" + id + "/renew")
                .bodyValue(Map.of("plan", "pln_x")).exchange(), 422, "plan");
    }

    @Test
    void renewAheadOfASubscriptionSetToCancelIsRefusedAndChangesNothing() {
        String site = newSite();
        freezeClock(site);
        String plan = monthlyPlan(site);
        String id = subscribe(site, Map.of("customer", customer(site, "Quinn", "quinn@example.com"), "plan", plan))
                .get("id").toString();
        post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{\"at_period_end\": true}").exchange()
                .expectStatus().isOk();
        Map<String, Object> canceling = read(site, id);

        post(site, "/v1/subscriptions/" + id + "/renew").bodyValue("{}").exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:masthead:problem:canceling-at-period-end")
                .jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("cancel_at_period_end"));
        assertThat(read(site, id)).isEqualTo(canceling).containsEntry("cancel_at_period_end", true)
                .containsEntry("scheduled_renewal", null);
        assertThat(eventTypes(site, id)).containsExactly("subscription.created", "subscription.updated");

        // cleared explicitly, it renews ahead
        patch(site, "/v1/subscriptions/" + id).bodyValue("{\"cancel_at_period_end\": false}").exchange()
                .expectStatus().isOk();
        post(site, "/v1/subscriptions/" + id + "/renew").bodyValue("{}").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.scheduled_renewal.plan").isEqualTo(plan);
        assertThat(eventTypes(site, id)).containsExactly("subscription.created", "subscription.updated",
                "subscription.updated", "subscription.renewal_scheduled");
    }

    @Test
    void giftsAndMemberships() {
        String site = newSite();
        freezeClock(site);
        String plan = monthlyPlan(site);
        String group = plan(site, 50_000, "year", 1, true, 0, "membership", null, false);
        String donor = customer(site, "Donor", "donor@example.com");
        String recipient = customer(site, "Recipient", "recipient@example.com");

        Map<String, Object> gift = subscribe(site, Map.of("customer", donor, "plan", plan,
                "gift", Map.of("recipient", recipient)));
        assertThat(gift).containsEntry("customer", donor).containsEntry("gift", Map.of("recipient", recipient));

        Map<String, Object> admin = subscribe(site, Map.of("customer", donor, "plan", group, "type", "admin",
                "membership", "acme-newsroom"));
        Map<String, Object> member = subscribe(site, Map.of("customer", recipient, "plan", group, "type", "member",
                "membership", "acme-newsroom"));
        assertThat(member).containsEntry("membership_admin", admin.get("id")).containsEntry("type", "member");
    }

    @Test
    void aChangeOfPlanKeepsAGiftOnOnePlanAndMovesAMembershipGroupTogether() {
        String site = newSite();
        freezeClock(site);
        String monthly = monthlyPlan(site);
        String yearly = plan(site, 12_000, "year", 1, true, 0, "regular", null, false);
        String silver = plan(site, 50_000, "year", 1, true, 0, "membership", null, false);
        String gold = plan(site, 80_000, "year", 1, true, 0, "membership", null, false);
        String donor = customer(site, "Donor", "donor@example.com");
        String recipient = customer(site, "Recipient", "recipient@example.com");

        // a gift moves as a whole: the donor pays the new plan, the recipient holds it
        String gift = subscribe(site, Map.of("customer", donor, "plan", monthly, "gift", Map.of("recipient", recipient)))
                .get("id").toString();
        Map<String, Object> movedGift = created(post(site, "/v1/subscriptions/" + gift + "/change_plan")
                .bodyValue(Map.of("plan", yearly)));
        assertThat(movedGift).containsEntry("customer", donor).containsEntry("plan", yearly)
                .containsEntry("gift", Map.of("recipient", recipient)).containsEntry("replaces", gift);

        String boss = customer(site, "Boss", "boss@example.com");
        String ann = customer(site, "Ann", "ann@example.com");
        String bob = customer(site, "Bob", "bob@example.com");
        String admin = subscribe(site, Map.of("customer", boss, "plan", silver, "type", "admin",
                "membership", "newsroom")).get("id").toString();
        String annMember = subscribe(site, Map.of("customer", ann, "plan", silver, "type", "member",
                "membership", "newsroom")).get("id").toString();
        String bobMember = subscribe(site, Map.of("customer", bob, "plan", silver, "type", "member",
                "membership", "newsroom")).get("id").toString();
        // a member on its way out: the group's change of plan cancels it now and does not re-enroll it
        String leaving = subscribe(site, Map.of("customer", customer(site, "Lea", "lea@example.com"), "plan", silver,
                "type", "member", "membership", "newsroom", "cancel_at_period_end", true)).get("id").toString();
        long rowsBefore = rows(site, "subscriptions");

        // a member does not move alone; an admin does not take its group off membership plans: nothing written
        post(site, "/v1/subscriptions/" + annMember + "/change_plan").bodyValue(Map.of("plan", gold)).exchange()
                .expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.type").isEqualTo("urn:masthead:problem:membership-member-follows-admin")
                .jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains(admin));
        assertProblem(post(site, "/v1/subscriptions/" + admin + "/change_plan").bodyValue(Map.of("plan", monthly))
                .exchange(), 422, "plan");
        assertThat(rows(site, "subscriptions")).isEqualTo(rowsBefore);
        assertThat(read(site, annMember)).containsEntry("status", "active").containsEntry("plan", silver);
        assertThat(read(site, admin)).containsEntry("status", "active");

        // the admin's change of plan moves the group: every member canceled and started on the new plan with it
        Map<String, Object> newAdmin = created(post(site, "/v1/subscriptions/" + admin + "/change_plan")
                .bodyValue(Map.of("plan", gold, "refund", "prorated")));
        String newAdminId = newAdmin.get("id").toString();
        assertThat(newAdmin).containsEntry("type", "admin").containsEntry("membership", "newsroom")
                .containsEntry("plan", gold).containsEntry("replaces", admin);
        assertThat(read(site, admin)).containsEntry("status", "canceled");
        List<ConsumerRecord<String, Object>> all = everythingPublished(site);
        for (String old : List.of(annMember, bobMember)) {
            assertThat(read(site, old)).containsEntry("status", "canceled");
            SubscriptionCanceled canceled = (SubscriptionCanceled) all.stream()
                    .filter(r -> r.value() instanceof SubscriptionCanceled c && c.getSubscription().getId().equals(old))
                    .findFirst().orElseThrow().value();
            assertThat(canceled.getRefund()).isEqualTo("prorated");
            assertThat(canceled.getRefundAmount()).isEqualTo(50_000);
            String replacement = canceled.getReplacedBy();
            assertThat(read(site, replacement)).containsEntry("type", "member").containsEntry("plan", gold)
                    .containsEntry("membership_admin", newAdminId).containsEntry("replaces", old)
                    .containsEntry("status", "active");
            assertThat(eventTypes(site, replacement)).containsExactly("subscription.created");
        }
        assertThat(read(site, leaving)).containsEntry("status", "canceled");
        assertThat(((SubscriptionCanceled) events(site, leaving).getLast().value()).getReplacedBy()).isNull();
        assertThat(rows(site, "subscriptions")).isEqualTo(rowsBefore + 3);
        assertThat(db.sql("SELECT count(*) AS n FROM subscriptions WHERE site_id = :site AND membership_admin_id = :a "
                        + "AND status = 'active'").bind("site", site).bind("a", newAdminId)
                .map(row -> row.get("n", Long.class)).one().block()).isEqualTo(2);
        // a new member joins the group on the new plan
        assertThat(subscribe(site, Map.of("customer", customer(site, "Cy", "cy@example.com"), "plan", gold,
                "type", "member", "membership", "newsroom"))).containsEntry("membership_admin", newAdminId);
    }

    @Test
    void cancelingAnAdminsSubscriptionCancelsItsMembersTheSameWayEachWithItsEvent() {
        String site = newSite();
        freezeClock(site);
        String group = plan(site, 50_000, "year", 1, true, 0, "membership", null, false);
        String admin = subscribe(site, Map.of("customer", customer(site, "Boss", "boss@example.com"), "plan", group,
                "type", "admin", "membership", "desk")).get("id").toString();
        List<String> members = List.of("Ann", "Bob").stream().map(name -> subscribe(site, Map.of("customer",
                customer(site, name, name + "@example.com"), "plan", group, "type", "member", "membership", "desk"))
                .get("id").toString()).toList();
        String otherAdmin = subscribe(site, Map.of("customer", customer(site, "Other", "other@example.com"),
                "plan", group, "type", "admin", "membership", "other-desk")).get("id").toString();
        String otherMember = subscribe(site, Map.of("customer", customer(site, "Olga", "olga@example.com"),
                "plan", group, "type", "member", "membership", "other-desk")).get("id").toString();

        // at the period end: every member set to cancel at its own period end, with its own event
        post(site, "/v1/subscriptions/" + admin + "/cancel").bodyValue("{\"at_period_end\": true}").exchange()
                .expectStatus().isOk();
        for (String member : members) {
            assertThat(read(site, member)).containsEntry("status", "active").containsEntry("cancel_at_period_end",
                    true).containsEntry("renews_at", null);
            assertThat(eventTypes(site, member)).containsExactly("subscription.created", "subscription.updated");
        }
        assertThat(read(site, otherMember)).containsEntry("cancel_at_period_end", false);

        // now: every member canceled now with the refund of its own period, with its own event; nothing renews it
        post(site, "/v1/subscriptions/" + admin + "/cancel").bodyValue("{\"refund\": \"full\"}").exchange()
                .expectStatus().isOk();
        List<ConsumerRecord<String, Object>> all = everythingPublished(site);
        for (String member : members) {
            assertThat(read(site, member)).containsEntry("status", "canceled");
            SubscriptionCanceled canceled = (SubscriptionCanceled) events(site, member).getLast().value();
            assertThat(canceled.getRefund()).isEqualTo("full");
            assertThat(canceled.getRefundAmount()).isEqualTo(50_000);
            assertThat(dueWork.find(Lifecycle.PERIOD_END, member).blockOptional()).isEmpty();
        }
        assertThat(all).filteredOn(r -> r.value() instanceof SubscriptionCanceled).hasSize(3);
        assertThat(read(site, otherAdmin)).containsEntry("status", "active");
        assertThat(read(site, otherMember)).containsEntry("status", "active");

        // the other group, canceled at once: its member ends with it
        post(site, "/v1/subscriptions/" + otherAdmin + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();
        assertThat(read(site, otherMember)).containsEntry("status", "canceled");
        assertThat(eventTypes(site, otherMember)).containsExactly("subscription.created", "subscription.canceled");
        // a group without a live admin takes no new member
        assertProblem(post(site, "/v1/subscriptions").bodyValue(Map.of("customer", customer(site, "Late",
                "late@example.com"), "plan", group, "type", "member", "membership", "other-desk")).exchange(), 422,
                "membership");
    }

    @Test
    void badInputIsAProblemNamingTheFieldWritesNothingAndEmitsNothing() {
        String site = newSite();
        Instant now = freezeClock(site);
        String plan = monthlyPlan(site);
        String addressed = plan(site, 100, "month", 1, true, 1, "regular", null, true);
        String group = plan(site, 100, "year", 1, true, 0, "membership", null, false);
        String inactive = monthlyPlan(site);
        patch(site, "/v1/plans/" + inactive).bodyValue("{\"active\": false}").exchange().expectStatus().isOk();
        String customer = customer(site, "Bad", "bad@example.com");
        String other = customer(site, "Other", "other@example.com");
        String othersAddress = address(site, other, AddressType.SHIPPING, null);
        subscribe(site, Map.of("customer", customer, "plan", group, "type", "admin", "membership", "g1"));
        long subscriptionsBefore = rows(site, "subscriptions");
        long dueBefore = rows(site, "due_work");

        record Case(Map<String, Object> body, int status, String field) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("customer", "cus_01jt3z8x9k2m4n6p8q0r2s4t6v", "plan", plan), 422, "customer"),
                new Case(Map.of("customer", "not-an-id", "plan", plan), 422, "customer"),
                new Case(Map.of("customer", customer, "plan", "pln_01jt3z8x9k2m4n6p8q0r2s4t6v"), 422, "plan"),
                new Case(Map.of("customer", customer, "plan", inactive), 422, "plan"),
                new Case(Map.of("customer", customer), 422, "plan"),
                new Case(Map.of("customer", customer, "plan", plan, "quantity", 0), 422, "quantity"),
                new Case(Map.of("customer", customer, "plan", plan, "trial_end", now.minusSeconds(60).toString()),
                        422, "trial_end"),
                new Case(Map.of("customer", customer, "plan", plan, "trial_end", now.toString()), 422, "trial_end"),
                new Case(Map.of("customer", customer, "plan", plan, "trial_period_days", 5, "trial_end",
                        now.plusSeconds(86_400).toString()), 422, "trial_end"),
                new Case(Map.of("customer", customer, "plan", plan, "gift", Map.of("recipient", customer)), 422,
                        "gift.recipient"),
                new Case(Map.of("customer", customer, "plan", plan, "gift", Map.of("recipient", other, "plan",
                        addressed)), 422, "gift.plan"),
                new Case(Map.of("customer", customer, "plan", plan, "gift", Map.of("plan", plan)), 422,
                        "gift.recipient"),
                new Case(Map.of("customer", customer, "plan", group, "type", "admin", "membership", "g1"), 422,
                        "membership"),
                new Case(Map.of("customer", customer, "plan", group, "type", "member", "membership", "g2"), 422,
                        "membership"),
                new Case(Map.of("customer", customer, "plan", plan, "type", "admin", "membership", "g3"), 422,
                        "type"),
                new Case(Map.of("customer", customer, "plan", plan, "type", "owner"), 422, "type"),
                new Case(Map.of("customer", customer, "plan", plan, "next_invoice_date",
                        now.plus(Duration.ofDays(3)).toString()), 422, "next_invoice_date"),
                new Case(Map.of("customer", customer, "plan", addressed), 422, "shipping_address"),
                new Case(Map.of("customer", customer, "plan", addressed, "shipping_address", othersAddress), 422,
                        "shipping_address"),
                new Case(Map.of("customer", customer, "plan", plan, "billing_address", "adr_nope"), 422,
                        "billing_address"),
                new Case(Map.of("customer", customer, "plan", plan, "collection_method", "cash"), 422,
                        "collection_method"),
                new Case(Map.of("customer", customer, "plan", plan, "days_until_due", 5), 422, "days_until_due"),
                new Case(Map.of("customer", customer, "plan", plan, "metadata", Map.of("k", "x".repeat(501))), 422,
                        "metadata.k"),
                new Case(Map.of("customer", customer, "plan", plan, "nickname", "x"), 400, "nickname"));
        for (Case c : cases) {
            var response = post(site, "/v1/subscriptions").bodyValue(new HashMap<>(c.body())).exchange();
            try {
                assertProblem(response, c.status(), c.field());
            } catch (AssertionError e) {
                throw new AssertionError("case " + c + ": " + e.getMessage(), e);
            }
        }
        // several bad fields are named together
        post(site, "/v1/subscriptions").bodyValue(Map.of("customer", "cus_01jt3z8x9k2m4n6p8q0r2s4t6v", "plan", plan,
                "quantity", 0)).exchange().expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[?(@.field == 'quantity')]").exists();

        assertThat(rows(site, "subscriptions")).isEqualTo(subscriptionsBefore);
        assertThat(rows(site, "due_work")).isEqualTo(dueBefore);
        List<ConsumerRecord<String, Object>> published = everythingPublished(site);
        assertThat(published.stream().filter(r -> snapshot(r.value()) != null
                && r.value() instanceof io.masthead.events.subscription.SubscriptionCreated)).hasSize(1);
    }

    @Test
    void timesAndCountsOutOfRangeAreProblemsNamingTheFieldNeverA500() {
        String site = newSite();
        freezeClock(site);
        String plan = monthlyPlan(site);
        String customer = customer(site, "Edge", "edge@example.com");
        String id = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();
        Object shipmentsBefore = read(site, id).get("shipments_remaining");
        long subscriptionsBefore = rows(site, "subscriptions");
        long dueBefore = rows(site, "due_work");
        String far = "+999999999-12-31T23:59:59Z";
        String beyondDatabase = "+294277-01-01T00:00:00Z";

        for (String field : List.of("start_date", "trial_end", "next_invoice_date")) {
            for (String value : List.of(far, beyondDatabase)) {
                assertProblem(post(site, "/v1/subscriptions").bodyValue(Map.of("customer", customer, "plan", plan,
                        field, value)).exchange(), 422, field);
            }
        }
        assertProblem(post(site, "/v1/subscriptions").bodyValue(Map.of("customer", customer, "plan", plan,
                "start_date", "1900-01-01T00:00:00Z")).exchange(), 422, "start_date");
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipments_remaining\": 2147483647}")
                .exchange(), 422, "shipments_remaining");
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipments_remaining\": 1000001}")
                .exchange(), 422, "shipments_remaining");
        assertProblem(patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipments_suspended_until\": \""
                + beyondDatabase + "\"}").exchange(), 422, "shipments_suspended_until");
        assertProblem(get(site, "/v1/subscriptions?created_gte=1900-01-01T00:00:00Z").exchange(), 422,
                "created_gte");
        assertProblem(get(site, "/v1/subscriptions/export?created_lt=1969-12-31T00:00:00Z").exchange(), 422,
                "created_lt");
        assertProblem(post(site, "/v1/bulk_cancellations").bodyValue(Map.of("scope", Map.of("all", true),
                "effective", "date", "effective_date", beyondDatabase)).exchange(), 422, "effective_date");

        assertThat(read(site, id).get("shipments_remaining")).isEqualTo(shipmentsBefore);
        assertThat(rows(site, "subscriptions")).isEqualTo(subscriptionsBefore);
        assertThat(rows(site, "due_work")).isEqualTo(dueBefore);
        patch(site, "/v1/subscriptions/" + id).bodyValue("{\"shipments_remaining\": 1000000}").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.shipments_remaining").isEqualTo(1_000_000);
    }

    @Test
    void everyEndpointIsScopedToTheCallersSite() {
        String site = newSite();
        String intruder = newSite();
        freezeClock(site);
        freezeClock(intruder);
        String plan = monthlyPlan(site);
        String customer = customer(site, "Iso", "iso@example.com");
        String id = subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString();
        String path = "/v1/subscriptions/" + id;

        get(intruder, path).exchange().expectStatus().isNotFound();
        patch(intruder, path).bodyValue("{\"metadata\": {\"x\": \"y\"}}").exchange().expectStatus().isNotFound();
        post(intruder, path + "/cancel").bodyValue("{}").exchange().expectStatus().isNotFound();
        post(intruder, path + "/renew").bodyValue("{}").exchange().expectStatus().isNotFound();
        String theirPlan = monthlyPlan(intruder);
        post(intruder, path + "/change_plan").bodyValue(Map.of("plan", theirPlan)).exchange()
                .expectStatus().isNotFound();
        assertThat(listIds(intruder, "")).isEmpty();
        assertThat(listIds(intruder, "customer=" + customer)).isEmpty();
        assertThat(exportIds(intruder, "")).isEmpty();
        assertThat(ids(search(intruder, "iso@example"))).isEmpty();
        // another site's plan and customer are unknown here
        assertProblem(post(intruder, "/v1/subscriptions").bodyValue(Map.of("customer", customer, "plan", theirPlan))
                .exchange(), 422, "customer");
        assertProblem(post(site, "/v1/subscriptions").bodyValue(Map.of("customer", customer, "plan", theirPlan))
                .exchange(), 422, "plan");

        assertThat(read(site, id)).containsEntry("status", "active");
        assertThat(eventTypes(site, id)).containsExactly("subscription.created");
        assertThat(everythingPublished(intruder).stream().filter(r -> snapshot(r.value()) != null)).isEmpty();
    }
}
