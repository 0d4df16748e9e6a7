package io.masthead.subscription.subscription.model;

import java.math.BigInteger;
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
                long total = period.length().toMillis();
                long left = period.end().toEpochMilli() - at.toEpochMilli();
                yield BigInteger.valueOf(price).multiply(BigInteger.valueOf(left))
                        .divide(BigInteger.valueOf(total)).longValueExact();
            }
        };
    }
}
