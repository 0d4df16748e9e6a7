package io.masthead.platform.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled       whether this service runs an outbox relay
 * @param batchSize     rows read and published per round
 * @param pollInterval  backstop when no NOTIFY arrives (e.g. a lost connection)
 * @param standbyPoll   how often a relay without the advisory lock retries to take it
 * @param lockKey       the advisory lock that makes one relay active per database
 * @param maxAttempts   tries of a row that fails for a reason of its own before it is parked in {@code outbox_parked}
 * @param retryBackoff  the wait before such a row's second try, doubling at each further one (at most 5 minutes)
 */
@ConfigurationProperties("masthead.outbox")
public record OutboxProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("500") int batchSize,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("2s") Duration standbyPoll,
        @DefaultValue("7262657") long lockKey,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("1s") Duration retryBackoff) {
}
