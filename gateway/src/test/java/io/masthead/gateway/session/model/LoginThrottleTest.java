package io.masthead.gateway.session.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private static final Instant NOW = Instant.parse("2026-05-04T09:30:00Z");
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(15));

    private static Instant ago(long seconds) {
        return NOW.minusSeconds(seconds);
    }

    @Test
    void fewerFailuresThanTheLimitInTheWindowLetTheAttemptGoAhead() {
        assertThat(throttle.retryAfter(List.of(), NOW)).isEmpty();
        assertThat(throttle.retryAfter(List.of(ago(10), ago(20)), NOW)).isEmpty();
        // older than the window: not counted
        assertThat(throttle.retryAfter(List.of(ago(10), ago(20), ago(900), ago(1000)), NOW)).isEmpty();
    }

    @Test
    void atTheLimitTheAttemptIsRefusedUntilTheOldestOfTheLastFailuresLeavesTheWindow() {
        // the last three failures: 10 s, 20 s and 300 s ago; the one 300 s ago leaves the window in 600 s
        assertThat(throttle.retryAfter(List.of(ago(10), ago(20), ago(300)), NOW)).contains(Duration.ofSeconds(600));
        // more failures than the limit: the third newest decides
        assertThat(throttle.retryAfter(List.of(ago(1), ago(2), ago(3), ago(800)), NOW)).contains(Duration.ofSeconds(897));
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(throttle.retryAfter(List.of(ago(1), ago(2), NOW.minusMillis(899_500)), NOW))
                .contains(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter(List.of(ago(1), ago(2), NOW.minusMillis(899_999)), NOW))
                .contains(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter(List.of(ago(1), ago(2), NOW.minusMillis(898_500)), NOW))
                .contains(Duration.ofSeconds(2));
    }

    @Test
    void aFailureExactlyAtTheWindowsStartNoLongerCounts() {
        assertThat(throttle.retryAfter(List.of(ago(1), ago(2), ago(900)), NOW)).isEmpty();
    }

    @Test
    void limitsMustBeSensible() {
        assertThatThrownBy(() -> new LoginThrottle(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoginThrottle(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
