package io.masthead.test.clock;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.customer.OrganizationCreated;
import io.masthead.platform.clock.ClockParticipant;
import io.masthead.platform.clock.HttpClockParticipant;
import io.masthead.platform.clock.TestClockCoordinator;
import io.masthead.platform.id.Ids;
import io.masthead.platform.time.SiteTime;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.TestTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The test clock across two services (docs/test-clocks.md): each a small real application with its own database
 * and due work on the shared engines, moved through {@link TestClockCoordinator} with {@link HttpClockParticipant}s,
 * exactly as the gateway moves the services. "Subscriptions" renews on day 1 and sends an event; "billing" takes it
 * in and schedules a finalization an hour later and a retry two days later; subscriptions has more work on day 30.
 */
class CrossServiceClockIntegrationTest {

    private static final Instant DAY_0 = Instant.parse("2031-01-01T00:00:00Z");

    static ClockTestService.Running subscriptions;
    static ClockTestService.Running billing;

    @BeforeAll
    static void startServices() {
        subscriptions = ClockTestService.start("clock-subscriptions", "clock_subscriptions", false, null);
        billing = ClockTestService.start("clock-billing", "clock_billing", true, null);
    }

    @AfterAll
    static void stopServices() {
        if (subscriptions != null) {
            subscriptions.close();
        }
        if (billing != null) {
            billing.close();
        }
    }

    private static Instant day(int n) {
        return DAY_0.plus(Duration.ofDays(n));
    }

    private static ClockParticipant participant(ClockTestService.Running service) {
        return new HttpClockParticipant(service.name(), service.uri(), WebClient.builder(),
                TestTokens::admin, Duration.ofSeconds(60));
    }

    @Test
    void dueWorkRunsInDueOrderAcrossServicesWithTheWorkItCausesAtItsOwnTime() {
        String site = Ids.next("site", Clock.systemUTC());
        String renewal = "renewal-" + site;
        String late = "late-" + site;
        subscriptions.schedule(site, ClockTestService.EMIT, renewal, day(1));
        subscriptions.schedule(site, ClockTestService.NOTE, late, day(30));

        try (var probe = TopicProbe.avro(ClockTestService.TOPIC)) {
            Instant reached = new TestClockCoordinator().advance(site, DAY_0, day(31),
                    List.of(participant(subscriptions), participant(billing))).block(Duration.ofMinutes(3));

            assertThat(reached).isEqualTo(day(31));
            assertThat(ClockTestService.JOURNAL).filteredOn(entry -> entry.contains(site)).containsExactly(
                    "clock-subscriptions: " + renewal + " at " + day(1),
                    "clock-billing: took in " + renewal + " at " + day(1),
                    "clock-billing: " + renewal + "/finalize at " + day(1).plus(Duration.ofHours(1)),
                    "clock-billing: " + renewal + "/retry at " + day(3),
                    "clock-subscriptions: " + late + " at " + day(30));

            // the event's time is the site's simulated time
            ConsumerRecord<String, Object> event = probe.awaitOne(TopicProbe.key(site));
            assertThat(((OrganizationCreated) event.value()).getHeader().getOccurredAt()).isEqualTo(day(1));
        }

        // released at the target: the site's time runs on from there in both services
        for (ClockTestService.Running service : List.of(subscriptions, billing)) {
            Instant now = service.context().getBean(SiteTime.class).now(site, false).block(Duration.ofSeconds(5));
            assertThat(now).isBetween(day(31), day(31).plus(Duration.ofMinutes(5)));
        }
    }

    @Test
    void theClockEndpointsTakeOnlyATestModeAdminTokenOfTheSite() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl(billing.uri().toString()).build();
        String site = Ids.next("site", Clock.systemUTC());
        String body = "{\"site_id\": \"" + site + "\", \"time\": \"" + day(1) + "\"}";

        client.post().uri("/internal/clock/steps").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isUnauthorized();
        client.post().uri("/internal/clock/steps").headers(h -> h.setBearerAuth(TestTokens.mint(
                        io.masthead.platform.security.Caller.admin(site, true))))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isForbidden();
        client.post().uri("/internal/clock/steps").headers(h -> h.setBearerAuth(TestTokens.customer(site, "cus_x")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isForbidden();
        client.post().uri("/internal/clock/steps").headers(h -> h.setBearerAuth(TestTokens.admin("site_other")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isForbidden();
        client.post().uri("/internal/clock/steps").headers(h -> h.setBearerAuth(TestTokens.admin(site)))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"site_id\": \"" + site + "\"}")
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("time");
        // the admin of the test-mode site: a report (nothing due, so quiet)
        client.post().uri("/internal/clock/steps").headers(h -> h.setBearerAuth(TestTokens.admin(site)))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.quiet").isEqualTo(true)
                .jsonPath("$.activity").isEqualTo(0)
                .jsonPath("$.waiting_for").isEmpty();
        client.post().uri("/internal/clock/releases").headers(h -> h.setBearerAuth(TestTokens.admin(site)))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isNoContent();
    }
}
