package io.masthead.subscription.subscription.model;

import java.time.ZonedDateTime;
import java.util.Locale;

/** The unit of a plan's billing cycle (plan.interval): day, week, month or year. */
public enum BillingInterval {
    DAY, WEEK, MONTH, YEAR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BillingInterval parse(String value) {
        return BillingInterval.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** {@code start} plus {@code units} of this interval, month and year ends clamped (Jan 31 + 1 month = Feb 28/29). */
    ZonedDateTime plus(ZonedDateTime start, long units) {
        return switch (this) {
            case DAY -> start.plusDays(units);
            case WEEK -> start.plusWeeks(units);
            case MONTH -> start.plusMonths(units);
            case YEAR -> start.plusYears(units);
        };
    }

    /** A lower bound on how many whole units lie between two times (used to find a period quickly). */
    long approximateUnitsBetween(ZonedDateTime from, ZonedDateTime to) {
        return switch (this) {
            case DAY -> java.time.temporal.ChronoUnit.DAYS.between(from, to);
            case WEEK -> java.time.temporal.ChronoUnit.WEEKS.between(from, to);
            case MONTH -> java.time.temporal.ChronoUnit.MONTHS.between(from, to);
            case YEAR -> java.time.temporal.ChronoUnit.YEARS.between(from, to);
        };
    }
}
