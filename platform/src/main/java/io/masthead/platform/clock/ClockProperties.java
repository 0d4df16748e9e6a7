package io.masthead.platform.clock;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a service's step of a test clock waits before it reports (docs/test-clocks.md). A wait that runs out
 * makes the report "not quiet" with the reason; the coordinator then asks again.
 *
 * @param outboxWait   until the site's outbox rows are published
 * @param consumerWait until this service's consumer groups committed the end offsets read at the call's start
 * @param pollInterval how often both are checked while waiting
 */
@ConfigurationProperties("masthead.clock")
public record ClockProperties(
        @DefaultValue("5s") Duration outboxWait,
        @DefaultValue("10s") Duration consumerWait,
        @DefaultValue("20ms") Duration pollInterval) {
}
