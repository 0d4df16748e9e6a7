package io.masthead.subscription.subscription.model;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What a cancellation gives back to the customer's balance (seed 002, "Change the plan"): nothing, the unused
 * part of the current period, or the whole period. Billing credits the balance from the cancellation event.
 */
public enum Refund {
    NONE, PRORATED, FULL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static boolean isKnown(String value) {
        return "none".equals(value) || "prorated".equals(value) || "full".equals(value);
    }

    public static Refund parse(String value) {
        return Refund.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /**
     * The amount in minor units for a cancellation at {@code at} of a period {@code [start, end)} priced
     * {@code amount × quantity}: prorated by the milliseconds left, rounded down (never more than was paid).
     */
    public long amount(long amount, int quantity, Period period, Instant at) {
        return amount(amount, quantity, period, at, Duration.ZERO, Duration.ZERO);
    }

    /**
     * {@link #amount(long, int, Period, Instant)} of a period pauses stretched: {@code credit} is how far they moved
     * its end (the period as sold is its length less that), {@code paused} the paused part of it up to {@code at}. A
     * prorated refund gives back the share of the period as sold not used: the time used is the time since its start
     * less the paused time.
     */
    public long amount(long amount, int quantity, Period period, Instant at, Duration credit, Duration paused) {
        long price = Math.multiplyExact(amount, (long) quantity);
        return switch (this) {
            case NONE -> 0;
            case FULL -> price;
            case PRORATED -> {
                if (!at.isAfter(period.start())) {
                    yield price;
                }
                if (!at.isBefore(period.end())) {
                    yield 0;
                }
                long total = period.length().minus(credit).toMillis();
                if (total <= 0) {
                    yield 0;
                }
                long used = Math.max(0, at.toEpochMilli() - period.start().toEpochMilli() - paused.toMillis());
                long left = Math.max(0, total - used);
                yield BigInteger.valueOf(price).multiply(BigInteger.valueOf(left))
                        .divide(BigInteger.valueOf(total)).longValueExact();
            }
        };
    }
}
