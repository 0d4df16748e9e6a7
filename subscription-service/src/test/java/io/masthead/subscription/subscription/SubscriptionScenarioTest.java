package io.masthead.subscription.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.subscription.SubscriptionRenewed;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions over simulated time, in the style of Kill Bill's beatrix tests: the site's clock moves through the
 * test-clock protocol (every due item runs at its own time), then the exact sequence of events of each subscription
 * on subscriptions.v1 is checked, with the time each happened.
 */
class SubscriptionScenarioTest extends SubscriptionIntegrationSupport {

    /** "type @ occurred_at" of every event of the subscription, in topic order. */
    private List<String> story(String site, String subscriptionId) {
        return events(site, subscriptionId).stream()
                .map(r -> header(r.value()).getEventType() + " @ " + header(r.value()).getOccurredAt()).toList();
    }

    private static String at(String type, Instant when) {
        return type + " @ " + when;
    }

    private static Instant plusMonths(Instant t, long months) {
        return t.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    private String id(Map<String, Object> resource) {
        return resource.get("id").toString();
    }

    @Test
    void monthlyAnnualAndWeeklyPlansRenewAtEveryPeriodEndOverTwoYears() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String customer = customer(site, "Beatrix", "beatrix@example.com");
        String monthly = id(subscribe(site, Map.of("customer", customer, "plan",
                plan(site, 1_500, "month", 1, true, 1, "regular", null, false), "quantity", 2)));
        String annual = id(subscribe(site, Map.of("customer", customer, "plan",
                plan(site, 12_000, "year", 1, true, 0, "regular", null, false))));
        String weekly = id(subscribe(site, Map.of("customer", customer, "plan",
                plan(site, 300, "week", 1, true, 0, "regular", null, false))));

        Instant end = plusMonths(t0, 24).plus(Duration.ofHours(1));
        advance(site, end);

        List<String> expectedMonthly = new ArrayList<>(List.of(at("subscription.created", t0)));
        for (int n = 1; n <= 24; n++) {
            expectedMonthly.add(at("subscription.renewed", plusMonths(t0, n)));
        }
        assertThat(story(site, monthly)).containsExactlyElementsOf(expectedMonthly);

        assertThat(story(site, annual)).containsExactly(at("subscription.created", t0),
                at("subscription.renewed", t0.atZone(ZoneOffset.UTC).plusYears(1).toInstant()),
                at("subscription.renewed", t0.atZone(ZoneOffset.UTC).plusYears(2).toInstant()));

        List<String> weeklyStory = story(site, weekly);
        assertThat(weeklyStory).hasSize(1 + 104).startsWith(at("subscription.created", t0));
        for (int n = 1; n <= 104; n++) {
            assertThat(weeklyStory.get(n)).isEqualTo(at("subscription.renewed", t0.plus(Duration.ofDays(7L * n))));
        }

        // each renewal's snapshot: the new period, shipments grown by shipments_per_interval x quantity
        List<ConsumerRecord<String, Object>> renewals = events(site, monthly).stream()
                .filter(r -> r.value() instanceof SubscriptionRenewed).toList();
        for (int n = 1; n <= 24; n++) {
            SubscriptionRenewed r = (SubscriptionRenewed) renewals.get(n - 1).value();
            assertThat(r.getPreviousPeriodEnd()).isEqualTo(plusMonths(t0, n));
            assertThat(r.getSubscription().getCurrentPeriodStart()).isEqualTo(plusMonths(t0, n));
            assertThat(r.getSubscription().getCurrentPeriodEnd()).isEqualTo(plusMonths(t0, n + 1));
            assertThat(r.getSubscription().getRenewsAt()).isEqualTo(plusMonths(t0, n + 1));
            assertThat(r.getSubscription().getNextInvoiceDate()).isEqualTo(plusMonths(t0, n + 1));
            assertThat(r.getSubscription().getShipmentsRemaining()).isEqualTo(2 * (n + 1));
            assertThat(r.getPeriodNumber()).isEqualTo(n);
        }
        // one row per period, enforced by the database: 25 periods of the monthly subscription
        assertThat(db.sql("SELECT count(*) AS n FROM subscription_periods WHERE subscription_id = :id")
                .bind("id", monthly).map(row -> row.get("n", Long.class)).one().block()).isEqualTo(25);
    }

    @Test
    void aMonthEndAnchorComesBackAfterFebruary() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        ZonedDateTime now = t0.atZone(ZoneOffset.UTC);
        Instant jan31 = ZonedDateTime.of(now.getYear() + 1, 1, 31, 10, 0, 0, 0, ZoneOffset.UTC).toInstant();
        String id = id(subscribe(site, Map.of("customer", customer(site, "Anchor", "anchor@example.com"), "plan",
                monthlyPlan(site), "start_date", jan31.toString())));
        int year = now.getYear() + 1;
        Instant feb = ZonedDateTime.of(year, 2, java.time.Year.isLeap(year) ? 29 : 28, 10, 0, 0, 0, ZoneOffset.UTC)
                .toInstant();
        Instant mar31 = ZonedDateTime.of(year, 3, 31, 10, 0, 0, 0, ZoneOffset.UTC).toInstant();
        Instant apr30 = ZonedDateTime.of(year, 4, 30, 10, 0, 0, 0, ZoneOffset.UTC).toInstant();
        Instant may31 = ZonedDateTime.of(year, 5, 31, 10, 0, 0, 0, ZoneOffset.UTC).toInstant();

        advance(site, may31.plusSeconds(60));

        assertThat(story(site, id)).containsExactly(at("subscription.created", t0),
                at("subscription.updated", jan31), at("subscription.renewed", feb),
                at("subscription.renewed", mar31), at("subscription.renewed", apr30),
                at("subscription.renewed", may31));
        get(site, "/v1/subscriptions/" + id).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.current_period_start").isEqualTo(may31.toString())
                .jsonPath("$.current_period_end")
                .isEqualTo(ZonedDateTime.of(year, 6, 30, 10, 0, 0, 0, ZoneOffset.UTC).toInstant().toString());
    }

    @Test
    void aTrialAnnouncesItsEndThreeDaysAheadThenBecomesActiveAndRenews() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String id = id(subscribe(site, Map.of("customer", customer(site, "Trial", "trial@example.com"), "plan",
                plan(site, 1_000, "month", 1, true, 1, "regular", 14, false))));
        Instant trialEnd = t0.plus(Duration.ofDays(14));

        advance(site, plusMonths(trialEnd, 1).plusSeconds(1));

        assertThat(story(site, id)).containsExactly(at("subscription.created", t0),
                at("subscription.trial_will_end", trialEnd.minus(Duration.ofDays(3))),
                at("subscription.updated", trialEnd),
                at("subscription.renewed", plusMonths(trialEnd, 1)));
        get(site, "/v1/subscriptions/" + id).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.trial_start").isEqualTo(t0.toString())
                .jsonPath("$.trial_end").isEqualTo(trialEnd.toString())
                .jsonPath("$.shipments_remaining").isEqualTo(2);
    }

    @Test
    void cancelNowStopsEveryRenewalAndCancelAtPeriodEndRunsToTheEnd() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String plan = monthlyPlan(site);
        String customer = customer(site, "Cancel", "cancel@example.com");
        String now = id(subscribe(site, Map.of("customer", customer, "plan", plan)));
        String later = id(subscribe(site, Map.of("customer", customer, "plan", plan)));

        Instant day10 = advance(site, t0.plus(Duration.ofDays(10)));
        post(site, "/v1/subscriptions/" + now + "/cancel").bodyValue("{\"refund\": \"prorated\"}").exchange()
                .expectStatus().isOk();
        post(site, "/v1/subscriptions/" + later + "/cancel").bodyValue("{\"at_period_end\": true}").exchange()
                .expectStatus().isOk();
        advance(site, plusMonths(t0, 4));

        assertThat(story(site, now)).containsExactly(at("subscription.created", t0),
                at("subscription.canceled", day10));
        assertThat(story(site, later)).containsExactly(at("subscription.created", t0),
                at("subscription.updated", day10), at("subscription.canceled", plusMonths(t0, 1)));
        get(site, "/v1/subscriptions/" + later).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("canceled")
                .jsonPath("$.ended_at").isEqualTo(plusMonths(t0, 1).toString())
                .jsonPath("$.canceled_at").isEqualTo(day10.toString());
        assertThat(rows(site, "due_work")).isZero();
    }

    @Test
    void withoutAutoRenewItExpiresAtItsEndAndNothingFollows() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String id = id(subscribe(site, Map.of("customer", customer(site, "Once", "once@example.com"), "plan",
                plan(site, 4_000, "month", 3, false, 3, "regular", null, false))));
        advance(site, plusMonths(t0, 12));
        assertThat(story(site, id)).containsExactly(at("subscription.created", t0),
                at("subscription.expired", plusMonths(t0, 3)));
        get(site, "/v1/subscriptions/" + id).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("expired")
                .jsonPath("$.expires_at").isEqualTo(plusMonths(t0, 3).toString());
        assertProblem(post(site, "/v1/subscriptions/" + id + "/renew").bodyValue("{}").exchange(), 409,
                "subscription");
    }

    @Test
    void aScheduledSubscriptionStartsOnItsDate() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        Instant start = t0.plus(Duration.ofDays(10));
        Map<String, Object> created = subscribe(site, Map.of("customer", customer(site, "Later", "later@example.com"),
                "plan", monthlyPlan(site), "start_date", start.toString()));
        assertThat(created).containsEntry("status", "scheduled").containsEntry("shipments_remaining", 0);
        String id = id(created);
        advance(site, plusMonths(start, 1).plusSeconds(1));
        assertThat(story(site, id)).containsExactly(at("subscription.created", t0), at("subscription.updated", start),
                at("subscription.renewed", plusMonths(start, 1)));
    }

    @Test
    void aRenewalAskedAheadStartsTheNextTermOnItsPlan() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String oneYear = plan(site, 5_000, "year", 1, false, 0, "regular", null, false);
        String twoYears = plan(site, 9_000, "year", 2, true, 0, "regular", null, false);
        String id = id(subscribe(site, Map.of("customer", customer(site, "Matt", "matt@example.com"), "plan",
                oneYear)));
        Instant asked = advance(site, t0.plus(Duration.ofDays(100)));
        post(site, "/v1/subscriptions/" + id + "/renew").bodyValue(Map.of("plan", twoYears)).exchange()
                .expectStatus().isOk();
        Instant yearEnd = t0.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        Instant termEnd = t0.atZone(ZoneOffset.UTC).plusYears(3).toInstant();
        advance(site, termEnd.plusSeconds(1));

        assertThat(story(site, id)).containsExactly(at("subscription.created", t0),
                at("subscription.renewal_scheduled", asked), at("subscription.renewed", yearEnd),
                at("subscription.expired", termEnd));
        SubscriptionRenewed renewed = (SubscriptionRenewed) events(site, id).get(2).value();
        assertThat(renewed.getSubscription().getPlanId()).isEqualTo(twoYears);
        assertThat(renewed.getSubscription().getPlanAmount()).isEqualTo(9_000);
        assertThat(renewed.getSubscription().getCurrentPeriodEnd()).isEqualTo(termEnd);
    }

    @Test
    void aChangeOfPlanEndsTheOldSubscriptionForGoodAndTheNewOneRunsItsOwnCycle() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String customer = customer(site, "Switch", "switch@example.com");
        String old = id(subscribe(site, Map.of("customer", customer, "plan", monthlyPlan(site))));
        String yearly = plan(site, 12_000, "year", 1, true, 0, "regular", null, false);
        Instant day10 = advance(site, t0.plus(Duration.ofDays(10)));
        String next = id(created(post(site, "/v1/subscriptions/" + old + "/change_plan")
                .bodyValue(Map.of("plan", yearly, "refund", "prorated"))));
        advance(site, day10.atZone(ZoneOffset.UTC).plusYears(1).plusDays(1).toInstant());

        assertThat(story(site, old)).containsExactly(at("subscription.created", t0),
                at("subscription.canceled", day10));
        assertThat(story(site, next)).containsExactly(at("subscription.created", day10),
                at("subscription.renewed", day10.atZone(ZoneOffset.UTC).plusYears(1).toInstant()));
    }

    @Test
    void aMemberNeverOutlivesItsAdmin() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String group = plan(site, 50_000, "year", 1, true, 0, "membership", null, false);
        // an admin that expires at its period end, and one set to cancel at it
        String expiring = id(subscribe(site, Map.of("customer", customer(site, "Exp", "exp@example.com"), "plan",
                group, "type", "admin", "membership", "expiring", "auto_renew", false)));
        String canceling = id(subscribe(site, Map.of("customer", customer(site, "Can", "can@example.com"), "plan",
                group, "type", "admin", "membership", "canceling")));
        Instant month2 = advance(site, plusMonths(t0, 2));
        // members joining later: their own periods end after their admins'
        String ofExpiring = id(subscribe(site, Map.of("customer", customer(site, "Eve", "eve@example.com"), "plan",
                group, "type", "member", "membership", "expiring")));
        String ofCanceling = id(subscribe(site, Map.of("customer", customer(site, "Cid", "cid@example.com"), "plan",
                group, "type", "member", "membership", "canceling")));
        patch(site, "/v1/subscriptions/" + canceling).bodyValue(Map.of("cancel_at_period_end", true)).exchange()
                .expectStatus().isOk();
        // an admin set to cancel takes no new member: it would outlive the admin
        post(site, "/v1/subscriptions").bodyValue(Map.of("customer", customer(site, "Late", "late@example.com"),
                "plan", group, "type", "member", "membership", "canceling")).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:membership-admin-canceling");

        advance(site, plusMonths(t0, 13));
        Instant adminsEnd = plusMonths(t0, 12);
        assertThat(story(site, expiring)).containsExactly(at("subscription.created", t0),
                at("subscription.expired", adminsEnd));
        assertThat(story(site, ofExpiring)).containsExactly(at("subscription.created", month2),
                at("subscription.canceled", adminsEnd));
        assertThat(story(site, canceling)).containsExactly(at("subscription.created", t0),
                at("subscription.updated", month2), at("subscription.canceled", adminsEnd));
        assertThat(story(site, ofCanceling)).containsExactly(at("subscription.created", month2),
                at("subscription.updated", month2), at("subscription.canceled", adminsEnd));
        for (String member : List.of(ofExpiring, ofCanceling)) {
            get(site, "/v1/subscriptions/" + member).exchange().expectBody()
                    .jsonPath("$.status").isEqualTo("canceled")
                    .jsonPath("$.ended_at").isEqualTo(adminsEnd.toString());
        }
    }
}
