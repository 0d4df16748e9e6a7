package io.masthead.webhook.delivery.infrastructure;

import io.masthead.webhook.delivery.model.Attempt;
import io.masthead.webhook.delivery.model.DeliveryStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * What to record after an attempt: the attempt row, and the delivery's new status and due time (null unless
 * it is to be retried); {@code disableEndpoint} when the endpoint answered 410; {@code ordered} when the
 * delivery is to an ordered endpoint (once recorded, the next delivery of its customer may be due);
 * {@code leaseToken} the lease the attempt was sent under (recorded only if the delivery still holds it).
 */
public record AttemptResult(Attempt attempt, DeliveryStatus status, Instant nextAttemptAt, boolean disableEndpoint,
        boolean ordered, UUID leaseToken) {
}
