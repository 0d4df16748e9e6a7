package io.masthead.platform.consumer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform's error handling of every listener container ({@code masthead.consumer.*}).
 *
 * @param initialBackoff  the first wait before retrying a record that failed for a transient reason
 * @param multiplier      each further wait is this many times the previous one...
 * @param maxBackoff      ...up to this; retries never stop (the partition waits for the record)
 * @param fetchTimeout    how long dead-lettering waits for Kafka (reading the original record, writing the DLT)
 */
@ConfigurationProperties("masthead.consumer")
public record ConsumerProperties(
        @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("2") double multiplier,
        @DefaultValue("10s") Duration maxBackoff,
        @DefaultValue("30s") Duration fetchTimeout) {
}
