package io.masthead.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void dueTimesAreEvenlySpacedAndCountsExact() {
        RateSchedule s = RateSchedule.of(200, Duration.ofSeconds(5), Duration.ofSeconds(15));
        assertThat(s.count()).isEqualTo(4000);
        assertThat(s.warmupCount()).isEqualTo(1000);
        assertThat(s.measuredCount()).isEqualTo(3000);
        assertThat(s.offsetNanos(0)).isZero();
        assertThat(s.offsetNanos(1)).isEqualTo(5_000_000);
        assertThat(s.offsetNanos(1000)).isEqualTo(5_000_000_000L);
        assertThat(s.measured(999)).isFalse();
        assertThat(s.measured(1000)).isTrue();
        assertThat(s.offsetNanos(s.count() - 1)).isLessThan(20_000_000_000L);
    }

    @Test
    void fractionalRatesAndPeriodsNotDividingTheWindow() {
        RateSchedule s = RateSchedule.of(3, Duration.ofMillis(500), Duration.ofSeconds(1));
        // due at 0, 333, 667, 1000, 1333 ms: 2 in the warm-up (< 500 ms), 5 in all (< 1500 ms)
        assertThat(s.warmupCount()).isEqualTo(2);
        assertThat(s.count()).isEqualTo(5);
        RateSchedule odd = RateSchedule.of(7.5, Duration.ZERO, Duration.ofSeconds(2));
        assertThat(odd.warmupCount()).isZero();
        assertThat(odd.count()).isEqualTo(15);
        assertThat(odd.measured(0)).isTrue();
    }

    @Test
    void countIsConsistentWithDueTimesForManyRates() {
        for (double rate : new double[] {1, 7, 50, 199.9, 333, 1000, 1234.5, 5000}) {
            RateSchedule s = RateSchedule.of(rate, Duration.ofMillis(1234), Duration.ofMillis(4321));
            long end = s.warmupNanos() + s.measureNanos();
            assertThat(s.offsetNanos(s.count() - 1)).isLessThan(end);
            assertThat(s.offsetNanos(s.count())).isGreaterThanOrEqualTo(end);
            assertThat(s.offsetNanos(s.warmupCount())).isGreaterThanOrEqualTo(s.warmupNanos());
            assertThat(s.offsetNanos(s.warmupCount() - 1)).isLessThan(s.warmupNanos());
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> RateSchedule.of(0, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.of(10, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
