package io.masthead.platform.duework;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Due work ({@code masthead.due-work.*}), checked at start-up.
 *
 * @param enabled         whether this instance runs the background loop (schedule, cancel and drain work either way)
 * @param pollInterval    the loop's pause after a round that found less than a full batch
 * @param batchSize       the most items one round takes (claimed in waves of at most {@code concurrency}, so every
 *                        claimed item starts within its lease, or, with chunk handlers, enough for
 *                        {@code chunk-concurrency} chunks)
 * @param concurrency     the most items of a round that run at once
 * @param lease           how long a claim holds its items; a claim whose runner died is taken again after it, and a
 *                        handler that runs longer fails (a counted try); a chunk renews it as it starts and its
 *                        handler may run half of it
 * @param maxAttempts     tries of an item before it is parked (state {@code failed})
 * @param retryBackoff    the wait after the first failed try; doubles with each further one
 * @param maxRetryBackoff the longest wait between two tries
 * @param chunkSize       the most items of one kind and site a {@link DueWorkChunkHandler} gets in one transaction
 * @param chunkConcurrency the most chunks that run at once ({@code chunk-size} x {@code chunk-concurrency}, the most
 *                        items one claim takes, at most 10,000)
 */
@ConfigurationProperties("masthead.due-work")
public record DueWorkProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("100") int batchSize,
        @DefaultValue("8") int concurrency,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("10s") Duration retryBackoff,
        @DefaultValue("1h") Duration maxRetryBackoff,
        @DefaultValue("250") int chunkSize,
        @DefaultValue("2") int chunkConcurrency) {

    @ConstructorBinding
    public DueWorkProperties {
        require(pollInterval.isPositive(), "poll-interval must be positive");
        require(batchSize > 0 && batchSize <= 10_000, "batch-size must be 1..10000");
        require(concurrency > 0 && concurrency <= 256, "concurrency must be 1..256");
        require(lease.toMillis() >= 1000, "lease must be at least 1s");
        require(maxAttempts > 0, "max-attempts must be positive");
        require(retryBackoff.toMillis() > 0, "retry-backoff must be positive");
        require(maxRetryBackoff.compareTo(retryBackoff) >= 0, "max-retry-backoff must not be below retry-backoff");
        require(chunkSize > 0 && chunkSize <= 5_000, "chunk-size must be 1..5000");
        require(chunkConcurrency > 0 && chunkConcurrency <= 64, "chunk-concurrency must be 1..64");
        require((long) chunkSize * chunkConcurrency <= 10_000,
                "chunk-size x chunk-concurrency (the most items one claim takes) must be at most 10000");
    }

    /** The settings with the default chunks (250 items, 2 at once). */
    public DueWorkProperties(boolean enabled, Duration pollInterval, int batchSize, int concurrency, Duration lease,
            int maxAttempts, Duration retryBackoff, Duration maxRetryBackoff) {
        this(enabled, pollInterval, batchSize, concurrency, lease, maxAttempts, retryBackoff, maxRetryBackoff, 250, 2);
    }

    /** The defaults. */
    public static DueWorkProperties defaults() {
        return new DueWorkProperties(true, Duration.ofSeconds(1), 100, 8, Duration.ofSeconds(60), 10,
                Duration.ofSeconds(10), Duration.ofHours(1), 250, 2);
    }

    /**
     * The wait before the next try after {@code failedTries} failed tries (1 or more): {@code retry-backoff} doubled
     * for each try after the first, at most {@code max-retry-backoff}.
     */
    public Duration backoffAfter(int failedTries) {
        if (failedTries < 1) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failedTries - 1, 40);
        long millis = retryBackoff.toMillis();
        long max = maxRetryBackoff.toMillis();
        for (int i = 0; i < doublings && millis < max; i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("masthead.due-work." + message);
        }
    }
}
