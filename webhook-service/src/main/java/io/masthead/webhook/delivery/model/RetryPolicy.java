package io.masthead.webhook.delivery.model;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again, and when to stop (after Svix's worker):
 * <ul>
 *   <li>a 2xx response is the only success; 3xx is a failure (redirects are never followed);</li>
 *   <li>410 Gone fails the delivery and disables the endpoint;</li>
 *   <li>otherwise retry number n waits {@code schedule[n-1]} spread by plus or minus {@code jitter};</li>
 *   <li>after a 429 or a timeout the wait is at least {@code throttledMinimum};</li>
 *   <li>a valid {@code Retry-After} is honoured within [wait, 2 x wait]: it can slow us down, never hurry us
 *       nor park a delivery for days;</li>
 *   <li>when the schedule is used up the delivery has failed.</li>
 * </ul>
 */
public final class RetryPolicy {

    private final List<Duration> schedule;
    private final double jitter;
    private final Duration throttledMinimum;

    public RetryPolicy(List<Duration> schedule, double jitter, Duration throttledMinimum) {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
        this.schedule = List.copyOf(schedule);
        this.jitter = jitter;
        this.throttledMinimum = throttledMinimum;
    }

    /** Svix's schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, with 20 % jitter; 60 s after 429/timeouts. */
    public static RetryPolicy standard() {
        return new RetryPolicy(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
                Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)), 0.2,
                Duration.ofSeconds(60));
    }

    public List<Duration> schedule() {
        return schedule;
    }

    /** Attempts a delivery gets in one round: the first and one per scheduled retry. */
    public int maxAttempts() {
        return schedule.size() + 1;
    }

    /**
     * Decides after attempt number {@code attempt} (1 for the first of the round) ended with {@code outcome}.
     *
     * @param random a uniform value in [0, 1) per call, for the jitter
     */
    public Decision decide(int attempt, AttemptOutcome outcome, DoubleSupplier random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1");
        }
        if (outcome.succeeded()) {
            return new Decision.Succeeded();
        }
        if (outcome.gone()) {
            return new Decision.DisableEndpoint("the endpoint answered 410 Gone");
        }
        if (attempt > schedule.size()) {
            return new Decision.GiveUp("no success after " + attempt + " attempts");
        }
        Duration base = schedule.get(attempt - 1);
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        Duration delay = Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
        if (outcome.throttled() && delay.compareTo(throttledMinimum) < 0) {
            delay = throttledMinimum;
        }
        if (outcome.retryAfter() != null) {
            Duration ceiling = delay.multipliedBy(2);
            Duration asked = outcome.retryAfter();
            delay = asked.compareTo(delay) < 0 ? delay : asked.compareTo(ceiling) > 0 ? ceiling : asked;
        }
        return new Decision.RetryIn(delay);
    }

    /** What happens to a delivery after an attempt. */
    public sealed interface Decision {

        /** Delivered: done. */
        record Succeeded() implements Decision {
        }

        /** Try again after {@code delay}. */
        record RetryIn(Duration delay) implements Decision {
        }

        /** Failed for good (it can still be resent by hand). */
        record GiveUp(String reason) implements Decision {
        }

        /** Failed, and the endpoint is disabled. */
        record DisableEndpoint(String reason) implements Decision {
        }
    }
}
