package io.masthead.gateway.testclock.application;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The test clocks' runner ({@code masthead.gateway.test-clock.*}, docs/test-clocks.md).
 *
 * @param participants        the services an advance moves (names of {@code masthead.gateway.services}); empty:
 *                            every one of them
 * @param pollInterval        how often advancing clocks without a live lease are looked for (a new advance starts
 *                            at once on the instance that accepted it)
 * @param lease               how long an instance holds an advance without renewing it (renewed every third of
 *                            it); an instance that dies is replaced after at most this long
 * @param retryBackoff        the wait after a failed attempt before the next one (it resumes from the last step)
 * @param maxRoundsPerStep    rounds a step may take before the attempt fails
 * @param pauseAfterBusyRound the pause before another round when a service was not quiet
 * @param callTimeout         the longest a service's step call may take
 * @param maxAttempts         failed attempts of an advance in a row without progress (a settled step forgets them)
 *                            before it gives up: the clock is then {@code failed} (a new advance starts from where it
 *                            stands)
 * @param maxConcurrentAdvances advancing clocks across every site at once; an advance beyond is refused (429) with
 *                            {@code Retry-After: capacity-retry-after}
 * @param capacityRetryAfter  the {@code Retry-After} of that refusal
 */
@Validated
@ConfigurationProperties("masthead.gateway.test-clock")
public record TestClockProperties(
        @DefaultValue List<String> participants,
        @NotNull @DefaultValue("2s") Duration pollInterval,
        @NotNull @DefaultValue("30s") Duration lease,
        @NotNull @DefaultValue("5s") Duration retryBackoff,
        @Min(2) @DefaultValue("100") int maxRoundsPerStep,
        @NotNull @DefaultValue("100ms") Duration pauseAfterBusyRound,
        @NotNull @DefaultValue("60s") Duration callTimeout,
        @Min(1) @DefaultValue("5") int maxAttempts,
        @Min(1) @DefaultValue("8") int maxConcurrentAdvances,
        @NotNull @DefaultValue("10s") Duration capacityRetryAfter) {
}
