package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.id.Ids;
import io.masthead.platform.retention.RetentionJob;
import io.masthead.platform.retention.RetentionProperties;
import io.masthead.platform.retention.RetentionRunner;
import io.masthead.platform.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Retention of the webhook log: with the clock 31 days on, finished deliveries (succeeded, failed) and their
 * attempts go, in bounded batches that all run in one go; a delivery still due or in flight stays with its
 * attempts and its event; an event goes only once it has no delivery left; younger rows stay.
 *
 * <p>The jobs are the service's own (the beans the context registered), run by a runner whose clock is 31 days
 * ahead of the context's, so the shared context's clock is left where the other tests expect it.
 */
class WebhookRetentionIntegrationTest extends WebhookIntegrationTestSupport {

    private static final int BATCH = 7;

    @Autowired
    RetentionRunner contextRunner;

    @Autowired
    DatabaseClient db;

    private String event(String site, Instant receivedAt) {
        String id = Ids.next("evt", clock);
        db.sql("""
                        INSERT INTO webhook_events (id, event_id, site_id, type, payload, occurred_at, received_at)
                        VALUES (:id, :eventId, :site, 'customer.created', '{}', :at, :at)""")
                .bind("id", id).bind("eventId", UUID.randomUUID()).bind("site", site)
                .bind("at", receivedAt.atOffset(ZoneOffset.UTC)).then().block();
        return id;
    }

    /** A delivery: finished ({@code completedAt} set) or pending, due at {@code dueAt}; with one attempt. */
    private String delivery(String site, String endpoint, String event, String status, Instant at, Instant dueAt) {
        String id = Ids.next("whd", clock);
        db.sql("""
                        INSERT INTO webhook_deliveries (id, site_id, endpoint_id, event_id, event_type, status,
                            attempt_count, next_attempt_at, created_at, updated_at, completed_at)
                        VALUES (:id, :site, :endpoint, :event, 'customer.created', :status, 1, :due, :at, :at,
                                CASE WHEN :status = 'pending' THEN NULL ELSE CAST(:at AS timestamptz) END)""")
                .bind("id", id).bind("site", site).bind("endpoint", endpoint).bind("event", event)
                .bind("status", status).bind("at", at.atOffset(ZoneOffset.UTC))
                .bind("due", (dueAt == null ? at : dueAt).atOffset(ZoneOffset.UTC)).then().block();
        db.sql("""
                        INSERT INTO webhook_attempts (id, site_id, delivery_id, endpoint_id, event_id, attempt_number, url,
                            attempted_at, duration_ms, status_code, outcome)
                        VALUES (:id, :site, :delivery, :endpoint, :event, 1, 'https://example.com', :at, 5, 200,
                                :outcome)""")
                .bind("id", Ids.next("wha", clock)).bind("site", site).bind("delivery", id).bind("endpoint", endpoint)
                .bind("event", event).bind("at", at.atOffset(ZoneOffset.UTC))
                .bind("outcome", "succeeded".equals(status) ? "succeeded" : "failed").then().block();
        return id;
    }

    private long count(String table, String site) {
        return db.sql("SELECT count(*) AS n FROM " + table + " WHERE site_id = :site").bind("site", site)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    private boolean exists(String table, String id) {
        return db.sql("SELECT count(*) AS n FROM " + table + " WHERE id = :id").bind("id", id)
                .map(row -> row.get("n", Long.class)).one().block() == 1;
    }

    @Test
    void finishedDeliveriesGoAfterTheAgeWithTheirAttemptsThenTheirEventsAndNothingStillDueGoes() {
        assertThat(contextRunner.jobs().stream().map(RetentionJob::name)).as("registered, in this order")
                .containsSubsequence("webhook-attempts", "webhook-deliveries", "webhook-events");
        String site = newSite();
        String endpoint = endpoint(site, "/retention", "[\"customer.created\"]").get("id").toString();
        Instant now = clock.instant();
        Instant farAhead = now.plus(Duration.ofDays(365)); // due long after the test: the dispatcher leaves it alone

        // more finished deliveries than one batch takes, half succeeded, half failed (given up)
        List<String> finished = new ArrayList<>();
        List<String> finishedEvents = new ArrayList<>();
        for (int i = 0; i < 3 * BATCH; i++) {
            String event = event(site, now);
            finishedEvents.add(event);
            finished.add(delivery(site, endpoint, event, i % 2 == 0 ? "succeeded" : "failed", now, null));
        }
        // an old event whose delivery is still due (a retry far ahead), one whose other delivery is pending
        String dueEvent = event(site, now);
        String due = delivery(site, endpoint, dueEvent, "pending", now, farAhead);
        String mixedEvent = event(site, now);
        String mixedDone = delivery(site, endpoint, mixedEvent, "succeeded", now, null);
        String otherEndpoint = endpoint(site, "/retention-other", "[\"customer.created\"]").get("id").toString();
        String mixedPending = delivery(site, otherEndpoint, mixedEvent, "pending", now, farAhead);
        // an old event that never had a delivery, and a young finished delivery
        String lonelyEvent = event(site, now);
        Instant young = now.plus(Duration.ofDays(20));
        String youngEvent = event(site, young);
        String youngDelivery = delivery(site, endpoint, youngEvent, "succeeded", young, null);

        MutableClock later = new MutableClock(now.plus(Duration.ofDays(31)));
        RetentionRunner runner = new RetentionRunner(contextRunner.jobs(),
                new RetentionProperties(false, Duration.ZERO, Duration.ofHours(1), BATCH, Map.of()), later,
                new SimpleMeterRegistry());
        Map<String, Long> deleted = runner.runOnce();

        assertThat(deleted.get("webhook-deliveries")).isGreaterThanOrEqualTo(3 * BATCH + 1);
        assertThat(finished).noneMatch(id -> exists("webhook_deliveries", id));
        assertThat(finishedEvents).as("events go once their deliveries are gone").noneMatch(id -> exists("webhook_events", id));
        assertThat(exists("webhook_deliveries", mixedDone)).isFalse();

        assertThat(exists("webhook_deliveries", due)).as("a delivery still due stays").isTrue();
        assertThat(exists("webhook_events", dueEvent)).as("so does its event").isTrue();
        assertThat(exists("webhook_deliveries", mixedPending)).isTrue();
        assertThat(exists("webhook_events", mixedEvent)).as("an event with a delivery left stays").isTrue();
        assertThat(exists("webhook_events", lonelyEvent)).isFalse();
        assertThat(exists("webhook_deliveries", youngDelivery)).isTrue();
        assertThat(exists("webhook_events", youngEvent)).isTrue();
        assertThat(count("webhook_attempts", site)).as("the attempts of the pending deliveries and the young one")
                .isEqualTo(3);
        assertThat(count("webhook_deliveries", site)).isEqualTo(3);
        assertThat(count("webhook_events", site)).isEqualTo(3);

        // a second run finds nothing more of this site; the rows left go once they are finished and old
        runner.runOnce();
        assertThat(count("webhook_deliveries", site)).isEqualTo(3);
        db.sql("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, completed_at = :at "
                        + "WHERE id IN (:due, :mixed)")
                .bind("at", now.atOffset(ZoneOffset.UTC)).bind("due", due).bind("mixed", mixedPending).then().block();
        runner.runOnce();
        assertThat(exists("webhook_events", dueEvent)).isFalse();
        assertThat(exists("webhook_events", mixedEvent)).isFalse();
        assertThat(count("webhook_events", site)).isEqualTo(1);
    }
}
