package io.masthead.subscription.subscription.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BillingCycleTest {

    private static Instant utc(String iso) {
        return Instant.parse(iso);
    }

    private static List<Instant> boundaries(BillingCycle cycle, int count) {
        List<Instant> list = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            list.add(cycle.boundary(n));
        }
        return list;
    }

    @Test
    void aMonthEndAnchorComesBackAfterShortMonths() {
        BillingCycle cycle = new BillingCycle(utc("2024-01-31T10:15:30Z"), BillingInterval.MONTH, 1);
        assertThat(boundaries(cycle, 6)).containsExactly(utc("2024-01-31T10:15:30Z"), utc("2024-02-29T10:15:30Z"),
                utc("2024-03-31T10:15:30Z"), utc("2024-04-30T10:15:30Z"), utc("2024-05-31T10:15:30Z"),
                utc("2024-06-30T10:15:30Z"));
        BillingCycle nonLeap = new BillingCycle(utc("2023-01-31T00:00:00Z"), BillingInterval.MONTH, 1);
        assertThat(boundaries(nonLeap, 3)).containsExactly(utc("2023-01-31T00:00:00Z"), utc("2023-02-28T00:00:00Z"),
                utc("2023-03-31T00:00:00Z"));
    }

    @Test
    void theThirtiethStaysTheThirtiethAfterFebruary() {
        BillingCycle cycle = new BillingCycle(utc("2025-01-30T00:00:00Z"), BillingInterval.MONTH, 1);
        assertThat(boundaries(cycle, 4)).containsExactly(utc("2025-01-30T00:00:00Z"), utc("2025-02-28T00:00:00Z"),
                utc("2025-03-30T00:00:00Z"), utc("2025-04-30T00:00:00Z"));
    }

    @Test
    void aLeapDayAnchorOnAYearlyPlanIsFebruary28thInOtherYearsAndReturnsInTheNextLeapYear() {
        BillingCycle cycle = new BillingCycle(utc("2024-02-29T12:00:00Z"), BillingInterval.YEAR, 1);
        assertThat(boundaries(cycle, 5)).containsExactly(utc("2024-02-29T12:00:00Z"), utc("2025-02-28T12:00:00Z"),
                utc("2026-02-28T12:00:00Z"), utc("2027-02-28T12:00:00Z"), utc("2028-02-29T12:00:00Z"));
    }

    @Test
    void weeklyDailyAndIntervalCounts() {
        assertThat(boundaries(new BillingCycle(utc("2026-03-01T08:00:00Z"), BillingInterval.WEEK, 1), 3))
                .containsExactly(utc("2026-03-01T08:00:00Z"), utc("2026-03-08T08:00:00Z"), utc("2026-03-15T08:00:00Z"));
        assertThat(boundaries(new BillingCycle(utc("2026-03-01T08:00:00Z"), BillingInterval.WEEK, 2), 3))
                .containsExactly(utc("2026-03-01T08:00:00Z"), utc("2026-03-15T08:00:00Z"), utc("2026-03-29T08:00:00Z"));
        assertThat(boundaries(new BillingCycle(utc("2024-02-28T00:00:00Z"), BillingInterval.DAY, 1), 3))
                .containsExactly(utc("2024-02-28T00:00:00Z"), utc("2024-02-29T00:00:00Z"), utc("2024-03-01T00:00:00Z"));
        assertThat(boundaries(new BillingCycle(utc("2024-08-31T00:00:00Z"), BillingInterval.MONTH, 3), 4))
                .containsExactly(utc("2024-08-31T00:00:00Z"), utc("2024-11-30T00:00:00Z"), utc("2025-02-28T00:00:00Z"),
                        utc("2025-05-31T00:00:00Z"));
    }

    @Test
    void daylightSavingTimeChangesNothingInUtc() {
        // Europe and North America change their clocks in late March and late October: UTC periods do not move
        BillingCycle cycle = new BillingCycle(utc("2026-03-28T23:30:00Z"), BillingInterval.DAY, 1);
        for (int n = 0; n < 400; n++) {
            assertThat(cycle.period(n).length()).isEqualTo(java.time.Duration.ofHours(24));
        }
        BillingCycle monthly = new BillingCycle(utc("2026-03-29T01:30:00Z"), BillingInterval.MONTH, 1);
        for (int n = 0; n < 24; n++) {
            assertThat(monthly.boundary(n).atZone(ZoneOffset.UTC).toLocalTime()).isEqualTo(java.time.LocalTime.of(1, 30));
        }
    }

    /** Property over many anchors: contiguous periods, the anchor's day clamped to each month's length. */
    @Test
    void monthlyPeriodsFollowTheAnchorDayForEveryAnchorOverFourYears() {
        LocalDate day = LocalDate.of(2023, 1, 1);
        for (int i = 0; i < 4 * 366; i += 1) {
            ZonedDateTime anchor = day.plusDays(i).atTime(6, 45, 12, 345_000_000).atZone(ZoneOffset.UTC);
            for (int count : new int[] {1, 2, 12}) {
                BillingCycle cycle = new BillingCycle(anchor.toInstant(), BillingInterval.MONTH, count);
                Period previous = null;
                for (int n = 0; n < 30; n++) {
                    Period p = cycle.period(n);
                    if (previous != null) {
                        assertThat(p.start()).isEqualTo(previous.end());
                    }
                    ZonedDateTime start = p.start().atZone(ZoneOffset.UTC);
                    int expectedDay = Math.min(anchor.getDayOfMonth(), start.toLocalDate().lengthOfMonth());
                    assertThat(start.getDayOfMonth()).as("anchor %s period %d", anchor, n).isEqualTo(expectedDay);
                    assertThat(start.toLocalTime()).isEqualTo(anchor.toLocalTime());
                    assertThat(java.time.temporal.ChronoUnit.MONTHS.between(
                            anchor.toLocalDate().withDayOfMonth(1), start.toLocalDate().withDayOfMonth(1)))
                            .isEqualTo((long) n * count);
                    previous = p;
                }
            }
        }
    }

    /** Property: periodContaining finds the same period as walking the periods one by one. */
    @Test
    void periodContainingAgreesWithAWalkOverThePeriods() {
        for (BillingInterval interval : BillingInterval.values()) {
            for (int count : new int[] {1, 3}) {
                BillingCycle cycle = new BillingCycle(utc("2024-01-31T23:59:59.999Z"), interval, count);
                Instant t = utc("2024-01-31T23:59:59.999Z");
                int n = 0;
                for (int step = 0; step < 600; step++) {
                    t = t.plusSeconds(37_813L * (interval == BillingInterval.YEAR ? 300 : interval == BillingInterval.MONTH ? 20 : 1));
                    while (!cycle.boundary(n + 1).isAfter(t)) {
                        n++;
                    }
                    Period found = cycle.periodContaining(t);
                    assertThat(found.number()).as("%s x%d at %s", interval, count, t).isEqualTo(n);
                    assertThat(found.contains(t)).isTrue();
                }
            }
        }
    }

    @Test
    void beforeTheAnchorIsThFirstPeriodAndABoundaryBelongsToTheNextPeriod() {
        BillingCycle cycle = new BillingCycle(utc("2026-01-15T00:00:00Z"), BillingInterval.MONTH, 1);
        assertThat(cycle.periodContaining(utc("2025-12-01T00:00:00Z")).number()).isZero();
        assertThat(cycle.periodContaining(utc("2026-02-15T00:00:00Z")).number()).isEqualTo(1);
        assertThat(cycle.periodContaining(utc("2026-02-14T23:59:59.999Z")).number()).isZero();
    }
}
