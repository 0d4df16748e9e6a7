package io.masthead.subscription.plan.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a plan sells (seed 004): an individual subscription, a membership group, or a donation. */
public enum PlanType {
    REGULAR,
    MEMBERSHIP,
    DONATION;

    public static final List<String> NAMES = Arrays.stream(values()).map(PlanType::json).toList();

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PlanType parse(String value) {
        for (PlanType type : values()) {
            if (type.json().equals(value)) {
                return type;
            }
        }
        return null;
    }
}
