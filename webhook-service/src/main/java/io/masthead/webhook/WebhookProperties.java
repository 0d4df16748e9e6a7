package io.masthead.webhook;

import io.masthead.platform.crypto.EncryptionKeys;
import io.masthead.platform.crypto.SecretCipher;
import io.masthead.webhook.signing.model.WebhookSignature;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the webhook service ({@code masthead.webhooks.*}), checked at start-up.
 *
 * @param topics the domain topics consumed (every event on them is a candidate for fan-out)
 * @param retrySchedule the delay before each retry after a failed attempt; its length is the number of retries
 * @param jitter the random spread of each delay, as a fraction (0.2 = plus or minus 20 %)
 * @param throttledMinimumDelay the least delay after a 429 or a timeout
 * @param connectTimeout how long to wait for a TCP (and TLS) connection
 * @param responseTimeout how long to wait for the response once the request is sent
 * @param disableAfterFailingFor an endpoint that failed this long without one success is disabled
 * @param secretGracePeriod how long a rotated-out secret keeps signing beside the new one, by default
 * @param responseBodyLimit the bytes of a response body kept in the attempt log
 * @param maxConcurrency attempts in flight at once in this instance, all endpoints together
 * @param maxConcurrencyPerEndpoint attempts in flight at once to one endpoint, in this instance
 * @param maxQueued new deliveries this instance holds in memory, all endpoints together, while their endpoints
 *        are at their concurrency limit (each starts as soon as its endpoint has room; beyond this they wait in
 *        the database for a claim)
 * @param maxQueuedPerEndpoint the same, for one endpoint
 * @param lease how long a claimed delivery stays reserved for the worker that claimed it: a worker that
 *        dies mid-attempt leaves it due again after this (longer than the connect timeout plus twice the
 *        response timeout, the longest an attempt can take)
 * @param pollInterval how often due deliveries are looked for when nothing wakes the dispatcher earlier
 * @param claimBatchSize the most deliveries claimed by one query
 * @param allowedSubnets CIDR blocks that endpoints may resolve to although private, loopback or reserved
 * @param dispatcherEnabled whether this instance sends deliveries (the API and the consumer work without it)
 * @param secretEncryption the keys that encrypt signing secrets at rest; required, there is no default
 */
@ConfigurationProperties("masthead.webhooks")
public record WebhookProperties(
        @DefaultValue({"customers.v1", "sites.v1"}) List<String> topics,
        @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "10h"}) List<Duration> retrySchedule,
        @DefaultValue("0.2") double jitter,
        @DefaultValue("60s") Duration throttledMinimumDelay,
        @DefaultValue("15s") Duration connectTimeout,
        @DefaultValue("15s") Duration responseTimeout,
        @DefaultValue("5d") Duration disableAfterFailingFor,
        @DefaultValue("24h") Duration secretGracePeriod,
        @DefaultValue("4096") int responseBodyLimit,
        @DefaultValue("256") int maxConcurrency,
        @DefaultValue("16") int maxConcurrencyPerEndpoint,
        @DefaultValue("10000") int maxQueued,
        @DefaultValue("1000") int maxQueuedPerEndpoint,
        @DefaultValue("90s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("100") int claimBatchSize,
        @DefaultValue List<String> allowedSubnets,
        @DefaultValue("true") boolean dispatcherEnabled,
        @DefaultValue SecretEncryption secretEncryption) {

    public WebhookProperties {
        topics = topics.stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        allowedSubnets = allowedSubnets == null ? List.of()
                : allowedSubnets.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        require(!topics.isEmpty(), "topics must name at least one topic");
        require(retrySchedule.stream().noneMatch(d -> d.isNegative() || d.isZero()), "retry-schedule delays must be positive");
        require(jitter >= 0 && jitter < 1, "jitter must be in [0, 1)");
        require(!throttledMinimumDelay.isNegative(), "throttled-minimum-delay must not be negative");
        require(connectTimeout.isPositive() && responseTimeout.isPositive(), "timeouts must be positive");
        require(disableAfterFailingFor.isPositive(), "disable-after-failing-for must be positive");
        require(!secretGracePeriod.isNegative() && secretGracePeriod.compareTo(Duration.ofDays(7)) <= 0,
                "secret-grace-period must be between 0 and 7 days");
        require(responseBodyLimit >= 0 && responseBodyLimit <= 65536, "response-body-limit must be 0..65536");
        require(maxConcurrency > 0 && maxConcurrencyPerEndpoint > 0, "concurrency limits must be positive");
        require(maxQueued >= 0 && maxQueuedPerEndpoint >= 0, "queue limits must not be negative");
        // an attempt can take the connect timeout and twice the response timeout (WebhookSender.longestAttempt)
        require(lease.compareTo(connectTimeout.plus(responseTimeout.multipliedBy(2))) > 0,
                "lease must be longer than connect-timeout plus twice response-timeout");
        require(pollInterval.isPositive(), "poll-interval must be positive");
        require(claimBatchSize > 0, "claim-batch-size must be positive");
    }

    /**
     * The AES-256 keys that encrypt endpoints' signing secrets at rest ({@code masthead.webhooks.secret-encryption.*},
     * read by the platform's {@link EncryptionKeys}): exactly one of {@code keys-location} and {@code keys}. The first
     * key encrypts, every key decrypts (rotation: put a new key first, keep the old one until the start-up has
     * encrypted every secret again). There is no default key: without one the service does not start. The same keys
     * encrypt the stored responses of idempotent requests that carry a secret (the platform's idempotency store).
     *
     * @param keysLocation a file (a path or a {@code file:} URL) with one {@code <key id>:<base64 of 32 bytes>} per
     *        line, the current key first; {@code #} starts a comment line. The way to configure production
     * @param keys the same keys inline, the current one first
     */
    public record SecretEncryption(String keysLocation, @DefaultValue List<EncryptionKeys.Key> keys) {

        public static final String PROPERTY = "masthead.webhooks.secret-encryption";

        /**
         * The cipher of the configured keys (reading the key file); values in clear from before encryption at rest
         * ({@code whsec_...}) are read as they are.
         *
         * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException when
         *         no key is configured, or a key is not valid: Spring Boot reports it at start-up naming the property
         */
        public SecretCipher cipher() {
            return new EncryptionKeys(keysLocation, keys).cipher(PROPERTY, "webhook signing secrets",
                    WebhookSignature.SECRET_PREFIX);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("masthead.webhooks." + message);
        }
    }
}
