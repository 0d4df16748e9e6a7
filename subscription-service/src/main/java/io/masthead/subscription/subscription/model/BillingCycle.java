package io.masthead.subscription.subscription.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * The periods of a subscription: {@code interval_count} units of {@code interval}, all computed from one anchor
 * (never from the previous period's end), so a month-end anchor comes back: Jan 31 -> Feb 28 (29 in a leap year)
 * -> Mar 31 -> Apr 30. All arithmetic is in UTC: there is no daylight saving time to skip or repeat an hour.
 */
public record BillingCycle(Instant anchor, BillingInterval interval, int intervalCount) {

    public static final int MAX_INTERVAL_COUNT = 1000;

    public BillingCycle {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(interval, "interval");
        if (intervalCount < 1 || intervalCount > MAX_INTERVAL_COUNT) {
            throw new IllegalArgumentException("interval_count must be 1.." + MAX_INTERVAL_COUNT + ": " + intervalCount);
        }
    }

    /** The start of period {@code n} (period 0 starts at the anchor). */
    public Instant boundary(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("periods are counted from 0: " + n);
        }
        return interval.plus(anchor.atZone(ZoneOffset.UTC), n * intervalCount).toInstant();
    }

    public Period period(long n) {
        return new Period(n, boundary(n), boundary(n + 1));
    }

    public Period first() {
        return period(0);
    }

    public Period next(Period current) {
        return period(current.number() + 1);
    }

    /** The period that contains {@code t}; period 0 for any time before the anchor. */
    public Period periodContaining(Instant t) {
        if (!t.isAfter(anchor)) {
            return first();
        }
        ZonedDateTime start = anchor.atZone(ZoneOffset.UTC);
        long n = Math.max(0, interval.approximateUnitsBetween(start, t.atZone(ZoneOffset.UTC)) / intervalCount - 1);
        while (!boundary(n + 1).isAfter(t)) {
            n++;
        }
        while (n > 0 && boundary(n).isAfter(t)) {
            n--;
        }
        return period(n);
    }
}
