package io.masthead.platform.retention;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retention of rows that are kept only for a while ({@code masthead.retention.*}), checked at start-up.
 *
 * @param enabled      whether this instance runs the jobs on schedule (several instances may: they share the work)
 * @param initialDelay the first run, after start-up
 * @param interval     between the end of a run and the start of the next
 * @param batchSize    the most rows one statement deletes (short transactions, no long locks or bloat spikes)
 * @param ages         ages that override a job's default, by job name (e.g. {@code inbox: 30d})
 */
@ConfigurationProperties("masthead.retention")
public record RetentionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1m") Duration initialDelay,
        @DefaultValue("1h") Duration interval,
        @DefaultValue("1000") int batchSize,
        Map<String, Duration> ages) {

    public RetentionProperties {
        ages = ages == null ? Map.of() : Map.copyOf(ages);
        require(!initialDelay.isNegative(), "initial-delay must not be negative");
        require(interval.isPositive(), "interval must be positive");
        require(batchSize > 0 && batchSize <= 100_000, "batch-size must be 1..100000");
        ages.forEach((name, age) -> require(age != null && age.isPositive(), "ages." + name + " must be positive"));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("masthead.retention." + message);
        }
    }
}
