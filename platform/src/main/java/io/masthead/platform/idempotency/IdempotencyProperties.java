package io.masthead.platform.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code Idempotency-Key} settings ({@code masthead.idempotency.*}).
 *
 * @param enabled whether POSTs honour {@code Idempotency-Key} (the gateway turns it off)
 * @param lease how long an in-progress claim stays held without its request renewing it (the request renews it
 *        every third of it while it runs): after a crash, the key is free again within this time
 * @param retryAfter the {@code Retry-After} of a {@code 409} answered while the first request is in progress
 */
@ConfigurationProperties("masthead.idempotency")
public record IdempotencyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration retryAfter) {

    public IdempotencyProperties {
        if (lease.compareTo(Duration.ofSeconds(3)) < 0 || lease.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("masthead.idempotency.lease must be between 3 s and 5 min");
        }
        if (retryAfter.toSeconds() < 1) {
            throw new IllegalArgumentException("masthead.idempotency.retry-after must be at least 1 s");
        }
    }
}
