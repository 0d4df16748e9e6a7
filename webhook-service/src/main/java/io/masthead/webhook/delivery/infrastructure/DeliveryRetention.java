package io.masthead.webhook.delivery.infrastructure;

import io.masthead.platform.retention.RetentionJob;
import java.time.Duration;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Retention of the webhook log (run by the platform's retention runner; ages configurable with
 * {@code masthead.retention.ages.<job>}). In this order, so nothing is left pointing at a deleted row:
 * <ol>
 *   <li>{@code webhook-attempts}: attempts older than the age, of finished deliveries (a delivery still due or in
 *       flight keeps its whole log);</li>
 *   <li>{@code webhook-deliveries}: finished deliveries (succeeded or failed, including given up) completed longer
 *       ago than the age, never a pending one (due, retrying or in flight); their remaining attempts go with them;</li>
 *   <li>{@code webhook-events}: events received longer ago than the age with no delivery left (the claim joins a
 *       delivery's event, so an event goes only after its deliveries).</li>
 * </ol>
 */
public final class DeliveryRetention {

    public static final Duration DEFAULT_AGE = Duration.ofDays(30);

    private DeliveryRetention() {
    }

    public static List<RetentionJob> jobs(DatabaseClient db) {
        return List.of(
                RetentionJob.sql(db, "webhook-attempts", "webhook_attempts", DEFAULT_AGE, 10, """
                        attempted_at < :cutoff
                        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                         WHERE d.id = webhook_attempts.delivery_id AND d.status = 'pending')"""),
                RetentionJob.sql(db, "webhook-deliveries", "webhook_deliveries", DEFAULT_AGE, 20,
                        "status IN ('succeeded', 'failed') AND completed_at < :cutoff"),
                RetentionJob.sql(db, "webhook-events", "webhook_events", DEFAULT_AGE, 30, """
                        received_at < :cutoff
                        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)"""));
    }
}
