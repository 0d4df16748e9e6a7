package io.masthead.subscription.plan.model;

import java.util.List;

/**
 * What a subscription needs to know of its plan, read through {@code PlanCatalog}: the price ({@code amount} in
 * minor units of {@code currency}), the billing cycle ({@code intervalCount} times {@code interval}), renewal,
 * shipments per interval, the plan's type and revenue recognition, its entitlements, its default trial (null:
 * none) and whether its product requires an address.
 */
public record PlanInfo(String id, String productId, boolean productAddressRequired, String nickname, long amount,
        String currency, BillingInterval interval, int intervalCount, boolean autoRenew, int shipmentsPerInterval,
        PlanType type, RevenueRecognition revenueRecognitionType, List<String> entitlements,
        Integer trialPeriodDays, boolean active) {

    public PlanInfo {
        entitlements = List.copyOf(entitlements);
    }
}
