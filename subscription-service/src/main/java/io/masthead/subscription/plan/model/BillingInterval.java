package io.masthead.subscription.plan.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The unit of a plan's billing cycle ({@code interval}); the cycle is {@code interval_count} of them. */
public enum BillingInterval {
    DAY(365 * 3),
    WEEK(52 * 3),
    MONTH(12 * 3),
    YEAR(3);

    /** The longest cycle a plan may have, in units of this interval: three years. */
    private final int maxCount;

    BillingInterval(int maxCount) {
        this.maxCount = maxCount;
    }

    public static final List<String> NAMES = Arrays.stream(values()).map(BillingInterval::json).toList();

    public int maxCount() {
        return maxCount;
    }

    /** The API's name: {@code day}, {@code week}, {@code month}, {@code year}. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The interval of an API name, or null for anything else. */
    public static BillingInterval parse(String value) {
        for (BillingInterval interval : values()) {
            if (interval.json().equals(value)) {
                return interval;
            }
        }
        return null;
    }
}
