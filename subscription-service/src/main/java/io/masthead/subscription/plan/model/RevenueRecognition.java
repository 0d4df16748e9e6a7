package io.masthead.subscription.plan.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a plan's revenue is recognized ({@code revenue_recognition_type}, seed 004): by time elapsed since the
 * subscription started, or by shipments delivered.
 */
public enum RevenueRecognition {
    TIME_BASED,
    SHIPMENT_BASED;

    public static final List<String> NAMES = Arrays.stream(values()).map(RevenueRecognition::json).toList();

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RevenueRecognition parse(String value) {
        for (RevenueRecognition type : values()) {
            if (type.json().equals(value)) {
                return type;
            }
        }
        return null;
    }
}
