package io.masthead.subscription.subscription.model;

import java.util.Objects;

/**
 * The terms of the plan a subscription runs on, as of when it was chosen: what billing needs from every event
 * (price, currency, cycle, shipments) without asking the catalog. A plan's amount, currency and cycle cannot
 * change once a subscription uses it, so these stay true.
 */
public record PlanTerms(String planId, String productId, long amount, String currency, BillingInterval interval,
        int intervalCount, int shipmentsPerInterval, boolean autoRenew, String type, Integer trialPeriodDays,
        boolean addressRequired) {

    public PlanTerms {
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(interval, "interval");
        type = type == null ? "regular" : type;
    }

    public BillingCycle cycleFrom(java.time.Instant anchor) {
        return new BillingCycle(anchor, interval, intervalCount);
    }

    public boolean isMembershipPlan() {
        return "membership".equals(type);
    }
}
