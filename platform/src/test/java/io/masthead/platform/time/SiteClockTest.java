package io.masthead.platform.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SiteClockTest {

    private static final Instant SIMULATED = Instant.parse("2031-03-31T00:00:00Z");
    private static final Instant SET_AT = Instant.parse("2026-12-02T04:00:00Z");

    @Test
    void aFrozenClockStandsAtItsTime() {
        SiteClock clock = new SiteClock(SIMULATED, SET_AT, true);
        assertThat(clock.now(SET_AT)).isEqualTo(SIMULATED);
        assertThat(clock.now(SET_AT.plus(Duration.ofDays(3)))).isEqualTo(SIMULATED);
    }

    @Test
    void aRunningClockMovesWithTheWallFromWhereItWasSet() {
        SiteClock clock = new SiteClock(SIMULATED, SET_AT, false);
        assertThat(clock.now(SET_AT)).isEqualTo(SIMULATED);
        assertThat(clock.now(SET_AT.plus(Duration.ofMinutes(90).plusMillis(5))))
                .isEqualTo(SIMULATED.plus(Duration.ofMinutes(90).plusMillis(5)));
    }

    @Test
    void aWallClockBeforeTheSettingNeverMovesTheSiteBackward() {
        SiteClock clock = new SiteClock(SIMULATED, SET_AT, false);
        assertThat(clock.now(SET_AT.minusSeconds(30))).isEqualTo(SIMULATED);
    }

    @Test
    void timesHaveMillisecondPrecision() {
        SiteClock frozen = new SiteClock(SIMULATED.plusNanos(1_234_567), SET_AT, true);
        assertThat(frozen.now(SET_AT)).isEqualTo(SIMULATED.plusMillis(1));
        SiteClock running = new SiteClock(SIMULATED, SET_AT, false);
        assertThat(running.now(SET_AT.plusNanos(2_999_999))).isEqualTo(SIMULATED.plusMillis(2));
    }
}
