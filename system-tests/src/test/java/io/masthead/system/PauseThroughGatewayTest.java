package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.EventHeader;
import io.masthead.events.site.TestClockReady;
import io.masthead.events.subscription.SubscriptionPaused;
import io.masthead.events.subscription.SubscriptionRenewed;
import io.masthead.events.subscription.SubscriptionResumed;
import io.masthead.system.SubscriptionLifecycleThroughGatewayTest.Delivery;
import io.masthead.system.SubscriptionLifecycleThroughGatewayTest.Receiver;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.platform.PlatformUnderTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Pause and resume through the gateway over simulated time (seed 003): a 30-day pause with the secret key, then the
 * site's clock advanced past the original period end and the pause's end: no renewal in the window, the automatic
 * resume (trigger auto) at the pause's end, the next renewal 30 days after the original one; the exact events on
 * subscriptions.v1 and the exact signed webhooks, in order. The site's clock first moves to January 2, so the whole
 * story stays in one calendar year: after the resume, a second pause that year is refused (once per year) until an
 * admin overrides the annual limit with a reason, which the pause history records.
 */
class PauseThroughGatewayTest {

    private static final Duration CLOCK_TIMEOUT = Duration.ofSeconds(180);

    @Test
    void aThirtyDayPauseResumesByItselfAndMovesTheNextRenewalByThirtyDays() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Pausing publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (Receiver receiver = Receiver.start();
             TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1");
             TopicProbe<Object> sites = TopicProbe.avro("sites.v1")) {
            String secret = receiver.endpoint(api, "\"subscription.*\", \"test_clock.ready\"");
            // January 2 of the next year: the pause, its resume and the renewal after it all fall in that year
            Instant now = Instant.parse(api.get().uri("/v1/test_clock").exchange().expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody().get("now").toString());
            Instant newYear = Instant.parse((year(now) + 1) + "-01-02T00:00:00Z");
            advance(api, newYear);
            sites.await(r -> site.id().equals(r.key()) && r.value() instanceof TestClockReady, 1, CLOCK_TIMEOUT);
            assertThat(receiver.next().json().path("type").asString()).isEqualTo("test_clock.ready");
            String plan = monthlyPlan(api);
            String customer = api.post().uri("/v1/customers").bodyValue("{\"email\": \"pausing@example.com\"}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
            Map<?, ?> created = api.post().uri("/v1/subscriptions")
                    .bodyValue("{\"customer\": \"" + customer + "\", \"plan\": \"" + plan + "\"}")
                    .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
            String id = created.get("id").toString();
            Instant originalEnd = Instant.parse(created.get("current_period_end").toString());
            Instant moved = originalEnd.plus(Duration.ofDays(30));

            Map<?, ?> paused = api.post().uri("/v1/subscriptions/" + id + "/pause")
                    .bodyValue("{\"duration_days\": 30, \"reason\": \"summer away\"}")
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            assertThat(paused.get("status")).isEqualTo("paused");
            assertThat(paused.get("current_period_end")).isEqualTo(moved.toString());
            assertThat(paused.get("renews_at")).isEqualTo(moved.toString());
            assertThat(paused.get("pause_used_this_year")).isEqualTo(true);
            Instant pauseStart = Instant.parse(paused.get("pause_start_at").toString());
            Instant pauseEnd = Instant.parse(paused.get("pause_end_at").toString());
            assertThat(pauseEnd).isEqualTo(pauseStart.plus(Duration.ofDays(30)));
            // while it lasts, another pause is refused for the state it is in
            api.post().uri("/v1/subscriptions/" + id + "/pause").bodyValue("{\"duration_days\": 5}").exchange()
                    .expectStatus().isEqualTo(409).expectBody()
                    .jsonPath("$.type").isEqualTo("urn:masthead:problem:already-paused")
                    .jsonPath("$.detail").isNotEmpty();

            Instant target = moved.plusSeconds(60);
            assertThat(year(target)).as("the story stays in one calendar year").isEqualTo(year(pauseStart));
            advance(api, target);
            sites.await(r -> site.id().equals(r.key()) && r.value() instanceof TestClockReady, 2, CLOCK_TIMEOUT);

            // the clock is ready: every event of the advance is on the topic
            List<ConsumerRecord<String, Object>> mine = subscriptions.readToEnd(Duration.ofSeconds(60)).stream()
                    .filter(r -> customer.equals(r.key()) && r.value() instanceof SpecificRecord).toList();
            assertThat(mine).extracting(r -> header(r.value()).getEventType() + " @ " + header(r.value())
                    .getOccurredAt()).containsExactly(
                            "subscription.created @ " + created.get("created_at"),
                            "subscription.paused @ " + pauseStart,
                            "subscription.resumed @ " + pauseEnd,
                            "subscription.renewed @ " + moved);
            SubscriptionResumed resumed = (SubscriptionResumed) mine.get(2).value();
            assertThat(resumed.getTrigger()).isEqualTo("auto");
            assertThat(resumed.getDaysPaused()).isEqualTo(30);
            assertThat(((SubscriptionPaused) mine.get(1).value()).getTrigger()).isEqualTo("admin");
            SubscriptionRenewed renewed = (SubscriptionRenewed) mine.get(3).value();
            assertThat(renewed.getPreviousPeriodEnd()).as("the renewal 30 days after the original one")
                    .isEqualTo(moved);
            assertThat(renewed.getSubscription().getCurrentPeriodEnd()).isEqualTo(plusMonths(moved, 1));

            List<Delivery> hooks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                hooks.add(receiver.next());
            }
            assertThat(hooks).extracting(h -> h.json().path("type").asString()).containsExactly(
                    "subscription.created", "subscription.paused", "subscription.resumed", "subscription.renewed",
                    "test_clock.ready");
            for (Delivery hook : hooks) {
                assertThat(hook.verifies(secret)).as("signed with the endpoint's secret").isTrue();
            }
            JsonNode pausedHook = hooks.get(1).json().path("data");
            assertThat(pausedHook.path("object").path("id").asString()).isEqualTo(id);
            assertThat(pausedHook.path("object").path("status").asString()).isEqualTo("paused");
            assertThat(pausedHook.path("object").path("pause_end_at").asString()).isEqualTo(pauseEnd.toString());
            assertThat(pausedHook.path("duration_days").asInt()).isEqualTo(30);
            assertThat(pausedHook.path("trigger").asString()).isEqualTo("admin");
            JsonNode resumedHook = hooks.get(2).json();
            assertThat(resumedHook.path("created").asString()).isEqualTo(pauseEnd.toString());
            assertThat(resumedHook.path("data").path("trigger").asString()).isEqualTo("auto");
            assertThat(resumedHook.path("data").path("days_paused").asInt()).isEqualTo(30);
            assertThat(resumedHook.path("data").path("object").path("status").asString()).isEqualTo("active");
            assertThat(hooks.get(3).json().path("created").asString()).isEqualTo(moved.toString());

            api.get().uri("/v1/subscriptions/" + id).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("active")
                    .jsonPath("$.current_period_start").isEqualTo(moved.toString())
                    .jsonPath("$.current_period_end").isEqualTo(plusMonths(moved, 1).toString())
                    .jsonPath("$.pause_start_at").doesNotExist()
                    .jsonPath("$.pause_used_this_year").isEqualTo(true)
                    .jsonPath("$.pauses_this_year").isEqualTo(1);
            api.get().uri("/v1/subscriptions/" + id + "/pauses").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(1)
                    .jsonPath("$.data[0].trigger").isEqualTo("admin")
                    .jsonPath("$.data[0].resume_trigger").isEqualTo("auto")
                    .jsonPath("$.data[0].days_paused").isEqualTo(30)
                    .jsonPath("$.data[0].reason").isEqualTo("summer away");

            // resumed, and still the same calendar year: a second pause is refused once per year, nothing changed
            api.post().uri("/v1/subscriptions/" + id + "/pause").bodyValue("{\"duration_days\": 5}").exchange()
                    .expectStatus().isEqualTo(409).expectBody()
                    .jsonPath("$.type").isEqualTo("urn:masthead:problem:once-per-year")
                    .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("once per calendar year"));
            api.get().uri("/v1/subscriptions/" + id).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("active");
            // an admin sets the annual limit aside, with a reason: it is paused again and the history says so
            api.post().uri("/v1/subscriptions/" + id + "/pause")
                    .bodyValue("{\"duration_days\": 5, \"override_annual_limit\": true, "
                            + "\"reason\": \"goodwill after a delivery failure\"}")
                    .exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("paused")
                    .jsonPath("$.pauses_this_year").isEqualTo(2);
            api.get().uri("/v1/subscriptions/" + id + "/pauses").exchange().expectStatus().isOk().expectBody()
                    // newest first
                    .jsonPath("$.data.length()").isEqualTo(2)
                    .jsonPath("$.data[0].status").isEqualTo("paused")
                    .jsonPath("$.data[0].trigger").isEqualTo("admin")
                    .jsonPath("$.data[0].override").isEqualTo(true)
                    .jsonPath("$.data[0].override_annual_limit").isEqualTo(true)
                    .jsonPath("$.data[0].reason").isEqualTo("goodwill after a delivery failure")
                    .jsonPath("$.data[1].override").isEqualTo(false)
                    .jsonPath("$.data[1].resume_trigger").isEqualTo("auto");
            // another site sees none of it
            PlatformUnderTest.Site other = platform.createSite("Other publisher " + UUID.randomUUID());
            Gateway.as(other.secretKey()).post().uri("/v1/subscriptions/" + id + "/resume").bodyValue("{}")
                    .exchange().expectStatus().isNotFound();
            Gateway.as(other.secretKey()).get().uri("/v1/subscriptions/" + id + "/pauses").exchange()
                    .expectStatus().isNotFound();
        }
    }

    private static int year(Instant t) {
        return t.atZone(ZoneOffset.UTC).getYear();
    }

    private static Instant plusMonths(Instant t, int months) {
        return t.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    private static String monthlyPlan(WebTestClient api) {
        String product = api.post().uri("/v1/products").bodyValue("{\"name\": \"The Weekender\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        return api.post().uri("/v1/plans").bodyValue("""
                        {"product": "%s", "nickname": "Monthly", "amount": 1500, "currency": "usd",
                         "interval": "month"}""".formatted(product))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static void advance(WebTestClient api, Instant target) {
        Map<?, ?> accepted = api.post().uri("/v1/test_clock/advance").bodyValue("{\"to\": \"" + target + "\"}")
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(accepted.get("advancing_to")).isEqualTo(target.toString());
        awaitReady(api, target);
    }

        private static void awaitReady(WebTestClient api, Instant target) {
        Awaitility.await("the test clock ready at " + target).atMost(CLOCK_TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    Map<?, ?> clock = api.get().uri("/v1/test_clock").exchange().expectStatus().isOk()
                            .expectBody(Map.class).returnResult().getResponseBody();
                    return "ready".equals(clock.get("status"))
                            && !Instant.parse(clock.get("now").toString()).isBefore(target);
                });
    }

    private static EventHeader header(Object event) {
        SpecificRecord r = (SpecificRecord) event;
        return (EventHeader) r.get(r.getSchema().getField("header").pos());
    }
}
