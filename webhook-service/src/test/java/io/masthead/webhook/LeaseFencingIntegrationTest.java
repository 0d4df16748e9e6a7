package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.platform.id.Ids;
import io.masthead.webhook.delivery.application.AttemptRecorder;
import io.masthead.webhook.delivery.infrastructure.AttemptResult;
import io.masthead.webhook.delivery.infrastructure.ClaimedDelivery;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.model.Attempt;
import io.masthead.webhook.delivery.model.DeliveryStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * An attempt's result is recorded only under the lease it was sent with: once the lease has run out and the
 * delivery was claimed again, the first attempt's late result is refused (counted) and changes nothing, and the
 * newer lease's result is recorded.
 */
class LeaseFencingIntegrationTest extends WebhookIntegrationTestSupport {

    private static final Duration LEASE = Duration.ofSeconds(10);

    @Autowired
    DeliveryRepository deliveries;

    @Autowired
    AttemptRecorder recorder;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private double stale() {
        var counter = meters.find("webhooks.results.stale").counter();
        return counter == null ? 0 : counter.count();
    }

    private int attempts(String delivery) {
        return db.sql("SELECT attempt_count FROM webhook_deliveries WHERE id = :id").bind("id", delivery)
                .map(row -> row.get("attempt_count", Integer.class)).one().block();
    }

    /** Claims at {@code now} (what the dispatcher reads from the clock), only the deliveries of {@code endpointId}. */
    private List<ClaimedDelivery> claim(Instant now, String endpointId) {
        List<String> others = db.sql("SELECT id FROM webhook_endpoints WHERE id <> :id").bind("id", endpointId)
                .map(row -> row.get("id", String.class)).all().collectList().block();
        return deliveries.claim(now, now.plus(LEASE), 10, 16, others, Map.of()).collectList().block();
    }

    private static AttemptResult result(ClaimedDelivery claimed, Instant at, int status, DeliveryStatus next,
            Instant retryAt) {
        Attempt attempt = new Attempt(Ids.next(Attempt.ID_PREFIX, java.time.Clock.systemUTC()), claimed.siteId(),
                claimed.id(), claimed.endpointId(), claimed.eventId(), claimed.attemptCount() + 1, claimed.url(), at, 5,
                status, status < 300, status < 300 ? null : "HTTP " + status, "");
        return new AttemptResult(attempt, next, retryAt, false, false, claimed.leaseToken());
    }

    @Test
    void theResultOfAnAttemptWhoseLeaseEndedAndWasClaimedAgainIsDropped() {
        String site = newSite();
        String endpoint = endpoint(site, "/lease-fencing", "[\"customer.created\"]").get("id").toString();
        // a delivery due a day ahead of the clock: the service's own dispatcher leaves it alone, the claims below
        // read the time it is due at
        Instant due = clock.instant().plus(Duration.ofDays(1));
        String event = Ids.next("evt", clock);
        String delivery = Ids.next("whd", clock);
        db.sql("""
                        INSERT INTO webhook_events (id, event_id, site_id, type, payload, occurred_at, received_at)
                        VALUES (:id, :eventId, :site, 'customer.created', '{}', :at, :at)""")
                .bind("id", event).bind("eventId", UUID.randomUUID()).bind("site", site).bind("at", utc(due))
                .then().block();
        db.sql("""
                        INSERT INTO webhook_deliveries (id, site_id, endpoint_id, event_id, event_type, status,
                            next_attempt_at, created_at, updated_at)
                        VALUES (:id, :site, :endpoint, :event, 'customer.created', 'pending', :due, :due, :due)""")
                .bind("id", delivery).bind("site", site).bind("endpoint", endpoint).bind("event", event)
                .bind("due", utc(due)).then().block();

        ClaimedDelivery first = claim(due, endpoint).getFirst();
        assertThat(first.id()).isEqualTo(delivery);
        assertThat(claim(due.plus(LEASE).minusSeconds(1), endpoint)).as("leased: nobody else claims it").isEmpty();
        // the first worker's attempt outlives its lease: the delivery is due again and another worker claims it
        Instant expired = due.plus(LEASE).plusSeconds(1);
        ClaimedDelivery second = claim(expired, endpoint).getFirst();
        assertThat(second.id()).isEqualTo(delivery);
        assertThat(second.leaseToken()).isNotEqualTo(first.leaseToken());

        double staleBefore = stale();
        // the stale result (a failure to retry) arrives first, then the current lease's success
        AttemptResult late = result(first, due, 500, DeliveryStatus.PENDING, expired.plus(Duration.ofMinutes(5)));
        AttemptResult current = result(second, expired, 200, DeliveryStatus.SUCCEEDED, null);
        recorder.add(late);
        // written or refused: either way the recorder is done with it
        await().atMost(Duration.ofSeconds(20)).until(() -> stale() > staleBefore || attempts(delivery) > 0);
        assertThat(attempts(delivery)).as("the stale result changed the delivery").isZero();
        recorder.add(current);
        await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded".equals(db.sql(
                        "SELECT status FROM webhook_deliveries WHERE id = :id").bind("id", delivery)
                .map(row -> row.get("status", String.class)).one().block()));

        assertThat(stale()).as("exactly the stale result was refused").isEqualTo(staleBefore + 1);
        assertThat(db.sql("SELECT id FROM webhook_attempts WHERE delivery_id = :id").bind("id", delivery)
                .map(row -> row.get("id", String.class)).all().collectList().block())
                .as("only the current lease's attempt is in the log").containsExactly(current.attempt().id());
        Map<String, Object> row = db.sql("""
                        SELECT attempt_count, last_status_code, next_attempt_at, lease_token
                          FROM webhook_deliveries WHERE id = :id""").bind("id", delivery)
                .fetch().one().block();
        assertThat(row.get("attempt_count")).isEqualTo(1);
        assertThat(row.get("last_status_code")).isEqualTo(200);
        assertThat(row.get("next_attempt_at")).isNull();
        assertThat(row.get("lease_token")).as("the lease ends with its result").isNull();

        // a result recorded twice under one lease counts once: the second copy is stale too
        recorder.add(result(second, expired, 200, DeliveryStatus.SUCCEEDED, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> stale() > staleBefore + 1);
        assertThat(attempts(delivery)).isEqualTo(1);
    }
}
