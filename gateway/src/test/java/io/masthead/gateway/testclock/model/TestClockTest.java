package io.masthead.gateway.testclock.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import org.junit.jupiter.api.Test;

class TestClockTest {

    private static final String SITE = "site_01jt3z8x9k2m4n6p8q0r2s4t6v";
    private static final Instant WALL = Instant.parse("2030-01-31T10:00:00.123456Z");

    @Test
    void aSiteThatNeverAdvancedHasTheWallClocksTime() {
        TestClock clock = TestClock.wallClock(SITE, WALL);
        assertThat(clock.now(WALL.plusSeconds(5))).isEqualTo(Instant.parse("2030-01-31T10:00:05.123Z"));
    }

    @Test
    void anAdvancingClockStandsStillAndAReadyOneRunsOnFromItsTarget() {
        TestClock.Advance advance = TestClock.wallClock(SITE, WALL).advanceTo(WALL.plus(Duration.ofDays(30)), WALL);
        TestClock advancing = ((TestClock.Advance.Accepted) advance).clock();
        assertThat(advancing.status()).isEqualTo(ClockStatus.ADVANCING);
        assertThat(advancing.now(WALL.plusSeconds(3600))).isEqualTo(Instant.parse("2030-01-31T10:00:00.123Z"));

        TestClock ready = advancing.reached(WALL.plusSeconds(10));
        assertThat(ready.now(WALL.plusSeconds(70))).isEqualTo(Instant.parse("2030-03-02T10:01:00.123Z"));
    }

    @Test
    void theClockOnlyMovesForwardOneAdvanceAtATime() {
        TestClock clock = TestClock.wallClock(SITE, WALL);
        assertThat(clock.advanceTo(WALL, WALL)).isInstanceOf(TestClock.Advance.NotLater.class);
        assertThat(clock.advanceTo(WALL.minusSeconds(1), WALL)).isInstanceOf(TestClock.Advance.NotLater.class);
        assertThat(clock.advanceTo(WALL.plus(Duration.ofDays(366L * 51)), WALL))
                .isInstanceOf(TestClock.Advance.TooFar.class);
        TestClock advancing = ((TestClock.Advance.Accepted) clock.advanceTo(WALL.plusSeconds(60), WALL)).clock();
        assertThat(advancing.advanceTo(WALL.plusSeconds(120), WALL))
                .isEqualTo(new TestClock.Advance.AlreadyAdvancing(WALL.plusSeconds(60).truncatedTo(
                        java.time.temporal.ChronoUnit.MILLIS)));
    }

    @Test
    void targetsAreInstantsOrDurationsWithCalendarMonthsInUtc() {
        assertThat(AdvanceTarget.parseInstant("2030-02-01T00:00:00Z")).contains(
                new AdvanceTarget.At(Instant.parse("2030-02-01T00:00:00Z")));
        assertThat(AdvanceTarget.parseInstant("2030-02-01T01:00:00+01:00")).contains(
                new AdvanceTarget.At(Instant.parse("2030-02-01T00:00:00Z")));
        assertThat(AdvanceTarget.parseInstant("tomorrow")).isEmpty();

        assertThat(AdvanceTarget.parseDuration("P30D").orElseThrow().from(WALL)).isEqualTo(WALL.plus(Duration.ofDays(30)));
        assertThat(AdvanceTarget.parseDuration("PT1H").orElseThrow().from(WALL)).isEqualTo(WALL.plusSeconds(3600));
        // Jan 31 + 1 month = Feb 28 (2030 is no leap year)
        assertThat(AdvanceTarget.parseDuration("P1M").orElseThrow().from(WALL))
                .isEqualTo(Instant.parse("2030-02-28T10:00:00.123456Z"));
        assertThat(AdvanceTarget.parseDuration("P1DT12H").orElseThrow())
                .isEqualTo(new AdvanceTarget.By(Period.ofDays(1), Duration.ofHours(12)));
        for (String bad : new String[] {"30 days", "P", "PT", "-P1D", "1D", ""}) {
            assertThat(AdvanceTarget.parseDuration(bad)).as(bad).isEmpty();
        }
        assertThat(AdvanceTarget.parseDuration("PT0S").orElseThrow().isPositive()).isFalse();
        assertThat(AdvanceTarget.parseDuration("P-1D").orElseThrow().isPositive()).isFalse();
    }

    @Test
    void aDurationOrTimeBeyondTheRangeOfTimesIsTooFarNeverAnException() {
        TestClock clock = TestClock.wallClock(SITE, WALL);
        for (String huge : new String[] {"P999999999Y", "PT9999999999999H", "P999999999Y11M30DT23H"}) {
            AdvanceTarget.By by = AdvanceTarget.parseDuration(huge).orElseThrow();
            assertThat(by.isPositive()).as(huge).isTrue();
            Instant target = by.from(clock.now(WALL));
            assertThat(target).as(huge).isEqualTo(Instant.MAX);
            assertThat(clock.advanceTo(target, WALL)).as(huge).isInstanceOf(TestClock.Advance.TooFar.class);
        }
        for (String extreme : new String[] {"+999999999-12-31T23:59:59Z", "+999999999-12-31T23:59:59-18:00"}) {
            AdvanceTarget.At at = AdvanceTarget.parseInstant(extreme).orElseThrow();
            assertThat(clock.advanceTo(at.from(WALL), WALL)).as(extreme).isInstanceOf(TestClock.Advance.TooFar.class);
        }
        AdvanceTarget.At past = AdvanceTarget.parseInstant("-999999999-01-01T00:00:00+18:00").orElseThrow();
        assertThat(clock.advanceTo(past.from(WALL), WALL)).isInstanceOf(TestClock.Advance.NotLater.class);
    }
}
