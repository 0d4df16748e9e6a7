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
 * @param drainBudget  how long a step call processes due work before it answers "not quiet" and is asked again
 *                     (items already claimed still complete), so no call runs near the caller's timeout however
 *                     much is due at once; it then reports at once, without the two waits
 */
@ConfigurationProperties("masthead.clock")
public record ClockProperties(
        @DefaultValue("5s") Duration outboxWait,
        @DefaultValue("10s") Duration consumerWait,
        @DefaultValue("20ms") Duration pollInterval,
        @DefaultValue("10s") Duration drainBudget) {

    /** Checked at start-up: every wait and the drain budget must be positive. */
    public ClockProperties {
        require(outboxWait, "outbox-wait");
        require(consumerWait, "consumer-wait");
        require(pollInterval, "poll-interval");
        require(drainBudget, "drain-budget");
    }

    private static void require(Duration value, String name) {
        if (value == null || !value.isPositive()) {
            throw new IllegalArgumentException("masthead.clock." + name + " must be positive, not " + value);
        }
    }
}
