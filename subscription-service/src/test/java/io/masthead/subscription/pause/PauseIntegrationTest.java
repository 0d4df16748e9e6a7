package io.masthead.subscription.pause;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.subscription.SubscriptionPaused;
import io.masthead.events.subscription.SubscriptionRenewed;
import io.masthead.events.subscription.SubscriptionResumed;
import io.masthead.subscription.subscription.SubscriptionIntegrationSupport;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Pause and resume over HTTP on the real engines: the period moves, the events and the history are written with the
 * change, the database holds once per year against a race, customers act on their own subscriptions only, and the
 * automatic resume runs as due work under the site's simulated time.
 */
class PauseIntegrationTest extends SubscriptionIntegrationSupport {

    private String subscription(String site, String customer) {
        return subscribe(site, Map.of("customer", customer, "plan", monthlyPlan(site))).get("id").toString();
    }

    private WebTestClient.RequestBodySpec asCustomer(String site, String customer, String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.customer(site, customer))
                .contentType(MediaType.APPLICATION_JSON);
    }

    private static Instant plusMonths(Instant t, long months) {
        return t.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    @Test
    void pauseThirtyDaysResumesByItselfAndTheNextRenewalComesThirtyDaysLater() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String customer = customer(site, "Paula", "paula@example.com");
        String id = subscription(site, customer);
        Instant originalEnd = plusMonths(t0, 1);

        Instant day5 = advance(site, t0.plus(Duration.ofDays(5)));
        post(site, "/v1/subscriptions/" + id + "/pause").bodyValue(Map.of("duration_days", 30, "reason", "summer"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("paused")
                .jsonPath("$.pause_start_at").isEqualTo(day5.toString())
                .jsonPath("$.pause_end_at").isEqualTo(day5.plus(Duration.ofDays(30)).toString())
                .jsonPath("$.pause_used_this_year").isEqualTo(true)
                .jsonPath("$.pauses_this_year").isEqualTo(1)
                .jsonPath("$.current_period_end").isEqualTo(originalEnd.plus(Duration.ofDays(30)).toString())
                .jsonPath("$.renews_at").isEqualTo(originalEnd.plus(Duration.ofDays(30)).toString())
                .jsonPath("$.shipments_suspended_until").isEqualTo(day5.plus(Duration.ofDays(30)).toString());

        // past the original period end and the pause's end, up to just after the moved renewal
        Instant moved = originalEnd.plus(Duration.ofDays(30));
        advance(site, moved.plusSeconds(1));

        List<ConsumerRecord<String, Object>> events = events(site, id);
        assertThat(events).extracting(r -> header(r.value()).getEventType() + " @ " + header(r.value()).getOccurredAt())
                .containsExactly("subscription.created @ " + t0, "subscription.paused @ " + day5,
                        "subscription.resumed @ " + day5.plus(Duration.ofDays(30)),
                        "subscription.renewed @ " + moved);
        SubscriptionPaused paused = (SubscriptionPaused) events.get(1).value();
        assertThat(paused.getDurationDays()).isEqualTo(30);
        assertThat(paused.getTrigger()).isEqualTo("admin");
        assertThat(paused.getActorType()).isEqualTo("admin");
        assertThat(paused.getReason()).isEqualTo("summer");
        assertThat(paused.getSubscription().getStatus()).isEqualTo("paused");
        assertThat(paused.getSubscription().getPauseEndAt()).isEqualTo(day5.plus(Duration.ofDays(30)));
        assertThat(paused.getSubscription().getPausesThisYear()).isEqualTo(1);
        SubscriptionResumed resumed = (SubscriptionResumed) events.get(2).value();
        assertThat(resumed.getTrigger()).isEqualTo("auto");
        assertThat(resumed.getActorType()).isEqualTo("system");
        assertThat(resumed.getDaysPaused()).isEqualTo(30);
        assertThat(resumed.getSubscription().getStatus()).isEqualTo("active");
        assertThat(resumed.getSubscription().getPauseStartAt()).isNull();
        assertThat(resumed.getSubscription().getShipmentsSuspendedUntil()).isNull();
        SubscriptionRenewed renewed = (SubscriptionRenewed) events.get(3).value();
        assertThat(renewed.getPreviousPeriodEnd()).isEqualTo(moved);
        assertThat(renewed.getSubscription().getCurrentPeriodEnd()).isEqualTo(plusMonths(moved, 1));

        get(site, "/v1/subscriptions/" + id + "/pauses").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].object").isEqualTo("subscription_pause")
                .jsonPath("$.data[0].status").isEqualTo("resumed")
                .jsonPath("$.data[0].started_at").isEqualTo(day5.toString())
                .jsonPath("$.data[0].ended_at").isEqualTo(day5.plus(Duration.ofDays(30)).toString())
                .jsonPath("$.data[0].duration_days").isEqualTo(30)
                .jsonPath("$.data[0].days_paused").isEqualTo(30)
                .jsonPath("$.data[0].trigger").isEqualTo("admin")
                .jsonPath("$.data[0].actor.type").isEqualTo("admin")
                .jsonPath("$.data[0].resume_trigger").isEqualTo("auto")
                .jsonPath("$.data[0].resumed_by.type").isEqualTo("system")
                .jsonPath("$.data[0].override").isEqualTo(false)
                .jsonPath("$.data[0].reason").isEqualTo("summer");
        assertThat(db.sql("SELECT count(*) AS n FROM subscription_periods WHERE subscription_id = :id").bind("id", id)
                .map(row -> row.get("n", Long.class)).one().block()).isEqualTo(2);
    }

    @Test
    void aCustomerPausesAndResumesTheirOwnEarlyAndKeepsTheDaysUsed() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String customer = customer(site, "Own", "own@example.com");
        String other = customer(site, "Other", "other@example.com");
        String id = subscription(site, customer);
        String path = "/v1/subscriptions/" + id;

        // another customer: as if it did not exist; overrides: never a customer's
        asCustomer(site, other, path + "/pause").bodyValue(Map.of("duration_days", 10)).exchange()
                .expectStatus().isNotFound();
        web.get().uri(path + "/pauses").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.customer(site, other))
                .exchange().expectStatus().isNotFound();
        asCustomer(site, customer, path + "/pause").bodyValue(Map.of("duration_days", 10, "force", true)).exchange()
                .expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        asCustomer(site, customer, path + "/pause")
                .bodyValue(Map.of("duration_days", 10, "override_annual_limit", true, "reason", "please")).exchange()
                .expectStatus().isForbidden();

        asCustomer(site, customer, path + "/pause").bodyValue(Map.of("duration_days", 20)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("paused");
        Instant later = advance(site, t0.plus(Duration.ofDays(3)).plusSeconds(3_600));
        asCustomer(site, other, path + "/resume").bodyValue("{}").exchange().expectStatus().isNotFound();
        asCustomer(site, customer, path + "/resume").bodyValue("{}").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.current_period_end").isEqualTo(plusMonths(t0, 1).plus(Duration.ofDays(4)).toString())
                .jsonPath("$.pause_used_this_year").isEqualTo(true);

        List<ConsumerRecord<String, Object>> events = events(site, id);
        assertThat(events).extracting(r -> header(r.value()).getEventType()).containsExactly("subscription.created",
                "subscription.paused", "subscription.resumed");
        SubscriptionPaused paused = (SubscriptionPaused) events.get(1).value();
        assertThat(paused.getTrigger()).isEqualTo("manual");
        assertThat(paused.getActorId()).isEqualTo(customer);
        SubscriptionResumed resumed = (SubscriptionResumed) events.get(2).value();
        assertThat(resumed.getTrigger()).isEqualTo("manual");
        assertThat(resumed.getActorId()).isEqualTo(customer);
        assertThat(resumed.getResumedAt()).isEqualTo(later);
        assertThat(resumed.getDaysPaused()).isEqualTo(4);
        // the automatic resume is gone with the early one
        assertThat(db.sql("SELECT count(*) AS n FROM due_work WHERE kind = 'subscription.pause_end' AND key = :id")
                .bind("id", id).map(row -> row.get("n", Long.class)).one().block()).isZero();

        // once per calendar year: the customer's second pause is refused with a text a page can show
        asCustomer(site, customer, path + "/pause").bodyValue(Map.of("duration_days", 5)).exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:once-per-year")
                .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("once per calendar year"));
        // an admin overrides with a reason, recorded in the history and the event
        post(site, path + "/pause").bodyValue(Map.of("duration_days", 5, "override_annual_limit", true,
                "reason", "support ticket 42")).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.pauses_this_year").isEqualTo(2);
        get(site, path + "/pauses").exchange().expectBody()
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].override_annual_limit").isEqualTo(true)
                .jsonPath("$.data[0].override").isEqualTo(true)
                .jsonPath("$.data[0].reason").isEqualTo("support ticket 42")
                .jsonPath("$.data[0].status").isEqualTo("paused")
                .jsonPath("$.data[1].actor.type").isEqualTo("customer")
                .jsonPath("$.data[1].actor.id").isEqualTo(customer)
                .jsonPath("$.data[1].resume_trigger").isEqualTo("manual");
        SubscriptionPaused override = (SubscriptionPaused) events(site, id).get(3).value();
        assertThat(override.getOverrideAnnualLimit()).isTrue();
        assertThat(override.getTrigger()).isEqualTo("admin");
        assertThat(override.getReason()).isEqualTo("support ticket 42");
    }

    @Test
    void aCancellationDuringAPauseClosesItAndThePauseEndFindsNothingToDo() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String customer = customer(site, "Gone", "gone@example.com");
        String id = subscription(site, customer);
        String path = "/v1/subscriptions/" + id;
        Instant pausedAt = Instant.parse(post(site, path + "/pause").bodyValue(Map.of("duration_days", 30))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                .get("pause_start_at").toString());
        Instant canceledAt = advance(site, t0.plus(Duration.ofDays(2)));
        long daysPaused = (Duration.between(pausedAt, canceledAt).toMillis() + 86_399_999) / 86_400_000;
        post(site, path + "/cancel").bodyValue("{}").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("canceled")
                .jsonPath("$.pause_start_at").doesNotExist()
                .jsonPath("$.pause_end_at").doesNotExist()
                .jsonPath("$.shipments_suspended_until").doesNotExist()
                .jsonPath("$.pauses_this_year").isEqualTo(1);
        assertThat(db.sql("SELECT count(*) AS n FROM due_work WHERE kind = 'subscription.pause_end' AND key = :id")
                .bind("id", id).map(row -> row.get("n", Long.class)).one().block()).isZero();

        // past the pause's planned end: the clock gets there (nothing fails, nothing is retried) and nothing resumes
        Instant after = t0.plus(Duration.ofDays(31));
        assertThat(advance(site, after)).isAfterOrEqualTo(after);
        assertThat(eventTypes(site, id)).containsExactly("subscription.created", "subscription.paused",
                "subscription.canceled");
        get(site, path + "/pauses").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].status").isEqualTo("canceled")
                .jsonPath("$.data[0].ended_at").isEqualTo(canceledAt.toString())
                .jsonPath("$.data[0].days_paused").isEqualTo((int) daysPaused)
                .jsonPath("$.data[0].resume_trigger").isEqualTo("canceled")
                .jsonPath("$.data[0].resumed_by.type").isEqualTo("system");
        get(site, path).exchange().expectBody().jsonPath("$.status").isEqualTo("canceled");
    }

    @Test
    void twoConcurrentPausesExactlyOneWins() {
        String site = newSite();
        freezeClock(site);
        String customer = customer(site, "Race", "race@example.com");
        for (int round = 0; round < 3; round++) {
            String id = subscription(site, customer);
            List<CompletableFuture<Integer>> calls = List.of(7, 9).stream()
                    .map(days -> CompletableFuture.supplyAsync(() -> asCustomer(site, customer,
                            "/v1/subscriptions/" + id + "/pause").bodyValue(Map.of("duration_days", days)).exchange()
                            .returnResult(String.class).getStatus().value()))
                    .toList();
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).sorted().toList();
            assertThat(statuses).containsExactly(200, 409);
            assertThat(db.sql("SELECT count(*) AS n FROM subscription_pauses WHERE subscription_id = :id")
                    .bind("id", id).map(row -> row.get("n", Long.class)).one().block()).isEqualTo(1);
            assertThat(eventTypes(site, id)).containsExactly("subscription.created", "subscription.paused");
        }
    }

    @Test
    void theDatabaseRefusesASecondPauseInAYearWhateverTheCodeSays() {
        String site = newSite();
        freezeClock(site);
        String id = subscription(site, customer(site, "Db", "db@example.com"));
        post(site, "/v1/subscriptions/" + id + "/pause").bodyValue(Map.of("duration_days", 3)).exchange()
                .expectStatus().isOk();
        String insert = """
                INSERT INTO subscription_pauses (id, site_id, subscription_id, customer_id, pause_year, started_at,
                    planned_end_at, paused_from, pause_trigger, actor_type, override_annual_limit, reason, ended_at,
                    resume_trigger, days_paused, created_at, updated_at)
                SELECT :pid, site_id, subscription_id, customer_id, pause_year, started_at, planned_end_at,
                    paused_from, pause_trigger, actor_type, :override, :reason, started_at, 'admin', 0, created_at,
                    updated_at FROM subscription_pauses WHERE subscription_id = :id""";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.sql(insert).bind("pid", "pau_x1")
                        .bind("override", false).bind("reason", "x").bind("id", id).fetch().rowsUpdated().block())
                .hasMessageContaining("subscription_pauses_once_per_year");
        // an override records its row beside it
        assertThat(db.sql(insert).bind("pid", "pau_x2").bind("override", true).bind("reason", "support")
                .bind("id", id).fetch().rowsUpdated().block()).isEqualTo(1);
    }

    @Test
    void theDatabasesNinetyDaysAreHoursWhateverTheSessionsTimeZone() {
        String site = newSite();
        freezeClock(site);
        String id = subscription(site, customer(site, "Dst", "dst@example.com"));
        // Feb 1 to May 2 crosses New York's change to summer time: 90 calendar days there are 2159 hours
        String insert = """
                DO $$ BEGIN
                    SET LOCAL TIME ZONE 'America/New_York';
                    INSERT INTO subscription_pauses (id, site_id, subscription_id, customer_id, pause_year, started_at,
                        planned_end_at, paused_from, pause_trigger, actor_type, override_annual_limit, reason,
                        created_at, updated_at)
                    SELECT '%s', site_id, id, customer_id, 2027, TIMESTAMPTZ '2027-02-01T12:00:00Z',
                        TIMESTAMPTZ '2027-02-01T12:00:00Z' + INTERVAL '%d hours', 'active', 'admin', 'admin', TRUE,
                        'dst', now(), now() FROM subscriptions WHERE id = '%s';
                END $$""";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.sql(insert.formatted("pau_dst1", 2161, id))
                .fetch().rowsUpdated().block()).hasMessageContaining("subscription_pauses_at_most_90_days");
        db.sql(insert.formatted("pau_dst2", 2160, id)).fetch().rowsUpdated().block();
        assertThat(db.sql("SELECT count(*) AS n FROM subscription_pauses WHERE subscription_id = :id")
                .bind("id", id).map(row -> row.get("n", Long.class)).one().block()).isEqualTo(1);
    }

    @Test
    void refusalsAreProblemsThatNameTheRuleAndChangeNothing() {
        String site = newSite();
        freezeClock(site);
        String id = subscription(site, customer(site, "Bad", "bad@example.com"));
        String path = "/v1/subscriptions/" + id;
        post(site, path + "/pause").bodyValue(Map.of("duration_days", 91)).exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:at-most-90-days")
                .jsonPath("$.detail").isEqualTo("a pause lasts at most 90 days")
                .jsonPath("$.errors[0].field").isEqualTo("duration_days");
        assertProblem(post(site, path + "/pause").bodyValue(Map.of()).exchange(), 422, "duration_days");
        assertProblem(post(site, path + "/pause").bodyValue(Map.of("duration_days", 3, "override_annual_limit", true))
                .exchange(), 422, "reason");
        assertProblem(post(site, path + "/pause").bodyValue(Map.of("resume_at", "2001-01-01T00:00:00Z")).exchange(),
                422, "resume_at");
        post(site, path + "/pause").bodyValue(Map.of("duration_days", 3, "nap", true)).exchange()
                .expectStatus().isBadRequest();
        post(site, path + "/resume").bodyValue("{}").exchange().expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.type").isEqualTo("urn:masthead:problem:not-paused");
        post(site, "/v1/subscriptions/sub_01jt3z8x9k2m4n6p8q0r2s4t6v/pause").bodyValue(Map.of("duration_days", 3))
                .exchange().expectStatus().isNotFound();
        get(site, path).exchange().expectBody().jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.pauses_this_year").isEqualTo(0);
        assertThat(eventTypes(site, id)).containsExactly("subscription.created");
        assertThat(rows(site, "subscription_pauses")).isZero();
    }

    @Test
    void statsKeepPausedApartFromChurned() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String customer = customer(site, "Stats", "stats@example.com");
        String paused = subscription(site, customer);
        String canceled = subscription(site, customer);
        subscription(site, customer);
        post(site, "/v1/subscriptions/" + paused + "/pause").bodyValue(Map.of("duration_days", 10)).exchange()
                .expectStatus().isOk();
        post(site, "/v1/subscriptions/" + canceled + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();
        // a change of plan cancels the old subscription and starts one: replaced, not churned
        String moving = subscription(site, customer);
        created(post(site, "/v1/subscriptions/" + moving + "/change_plan")
                .bodyValue(Map.of("plan", monthlyPlan(site))));

        get(site, "/v1/subscriptions/stats?from=" + t0.minusSeconds(60) + "&to=" + t0.plusSeconds(60)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.object").isEqualTo("subscription_stats")
                .jsonPath("$.total").isEqualTo(5)
                .jsonPath("$.by_status.active").isEqualTo(2)
                .jsonPath("$.by_status.paused").isEqualTo(1)
                .jsonPath("$.by_status.canceled").isEqualTo(2)
                .jsonPath("$.by_plan.length()").isEqualTo(5)
                .jsonPath("$.churned.replaced").isEqualTo(1)
                .jsonPath("$.pauses.started").isEqualTo(1)
                .jsonPath("$.pauses.ended").isEqualTo(0)
                .jsonPath("$.pauses.in_progress").isEqualTo(1)
                .jsonPath("$.churned.canceled").isEqualTo(1)
                .jsonPath("$.churned.total").isEqualTo(1);
        assertProblem(get(site, "/v1/subscriptions/stats?from=yesterday").exchange(), 422, "from");
        assertProblem(get(site, "/v1/subscriptions/stats?from=" + t0 + "&to=" + t0).exchange(), 422, "from");
        web.get().uri("/v1/subscriptions/stats").header(HttpHeaders.AUTHORIZATION, "Bearer "
                + TestTokens.customer(site, customer)).exchange().expectStatus().isForbidden();
    }
}
