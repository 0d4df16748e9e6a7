package io.masthead.webhook.delivery.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.webhook.delivery.model.AttemptOutcome.Kind;
import io.masthead.webhook.delivery.model.RetryPolicy.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.standard();
    private static final double MIDDLE = 0.5; // no jitter
    private static final double LOWEST = 0.0; // -20 %
    private static final double HIGHEST = 0.999_999; // +20 %

    private static AttemptOutcome status(int code) {
        return AttemptOutcome.response(code, null, 12, "");
    }

    private Duration delay(int attempt, AttemptOutcome outcome, double random) {
        Decision decision = policy.decide(attempt, outcome, () -> random);
        assertThat(decision).isInstanceOf(Decision.RetryIn.class);
        return ((Decision.RetryIn) decision).delay();
    }

    @Test
    void aTwoHundredSomethingIsTheOnlySuccess() {
        assertThat(policy.decide(1, status(200), () -> MIDDLE)).isInstanceOf(Decision.Succeeded.class);
        assertThat(policy.decide(3, status(204), () -> MIDDLE)).isInstanceOf(Decision.Succeeded.class);
        assertThat(policy.decide(1, status(302), () -> MIDDLE)).isInstanceOf(Decision.RetryIn.class);
        assertThat(policy.decide(1, status(400), () -> MIDDLE)).isInstanceOf(Decision.RetryIn.class);
        assertThat(policy.decide(1, status(500), () -> MIDDLE)).isInstanceOf(Decision.RetryIn.class);
    }

    @Test
    void followsTheScheduleFiveSecondsFiveMinutesThirtyMinutesTwoFiveTenTenHours() {
        assertThat(delay(1, status(500), MIDDLE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(delay(2, status(500), MIDDLE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(delay(3, status(500), MIDDLE)).isEqualTo(Duration.ofMinutes(30));
        assertThat(delay(4, status(500), MIDDLE)).isEqualTo(Duration.ofHours(2));
        assertThat(delay(5, status(500), MIDDLE)).isEqualTo(Duration.ofHours(5));
        assertThat(delay(6, status(500), MIDDLE)).isEqualTo(Duration.ofHours(10));
        assertThat(delay(7, status(500), MIDDLE)).isEqualTo(Duration.ofHours(10));
        assertThat(policy.decide(8, status(500), () -> MIDDLE)).isInstanceOf(Decision.GiveUp.class);
        assertThat(policy.maxAttempts()).isEqualTo(8);
    }

    @Test
    void jitterSpreadsEachDelayByTwentyPercentEitherWay() {
        assertThat(delay(2, status(500), LOWEST)).isEqualTo(Duration.ofMinutes(4));
        assertThat(delay(2, status(500), HIGHEST)).isBetween(Duration.ofMinutes(6).minusMillis(1), Duration.ofMinutes(6));
    }

    @Test
    void tooManyRequestsAndTimeoutsWaitAtLeastAMinute() {
        assertThat(delay(1, status(429), MIDDLE)).isEqualTo(Duration.ofSeconds(60));
        assertThat(delay(1, AttemptOutcome.failure(Kind.TIMEOUT, "slow", 15_000), MIDDLE))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(delay(1, AttemptOutcome.failure(Kind.CONNECTION_ERROR, "refused", 3), MIDDLE))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(delay(2, status(429), MIDDLE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void retryAfterIsHonouredBetweenTheDelayAndTwiceTheDelay() {
        AttemptOutcome soon = AttemptOutcome.response(503, Duration.ofSeconds(1), 5, "");
        AttemptOutcome within = AttemptOutcome.response(503, Duration.ofMinutes(7), 5, "");
        AttemptOutcome far = AttemptOutcome.response(503, Duration.ofDays(3), 5, "");
        assertThat(delay(2, soon, MIDDLE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(delay(2, within, MIDDLE)).isEqualTo(Duration.ofMinutes(7));
        assertThat(delay(2, far, MIDDLE)).isEqualTo(Duration.ofMinutes(10));
        AttemptOutcome throttled = AttemptOutcome.response(429, Duration.ofSeconds(90), 5, "");
        assertThat(delay(1, throttled, MIDDLE)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void goneDisablesTheEndpoint() {
        assertThat(policy.decide(1, status(410), () -> MIDDLE)).isInstanceOf(Decision.DisableEndpoint.class);
    }

    @Test
    void aConfiguredScheduleIsUsedAsGiven() {
        RetryPolicy quick = new RetryPolicy(java.util.List.of(Duration.ofMillis(100)), 0, Duration.ZERO);
        assertThat(((Decision.RetryIn) quick.decide(1, status(500), () -> 0.3)).delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(quick.decide(2, status(500), () -> 0.3)).isInstanceOf(Decision.GiveUp.class);
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 10:02:00 GMT", now)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse("-5", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }
}
