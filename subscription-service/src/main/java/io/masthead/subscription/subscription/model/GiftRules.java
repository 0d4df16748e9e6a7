package io.masthead.subscription.subscription.model;

import java.util.Optional;

/**
 * The gift rules of the migration guide: the donor pays, the recipient holds the subscription; one donor
 * subscription for one recipient (1:1), never a gift to oneself, and donor and recipient share the same plan.
 */
public final class GiftRules {

    private GiftRules() {
    }

    /**
     * @param giftPlanId the plan the gift names, if it names one (it must be the subscription's plan)
     */
    public static Optional<Rejection> check(String donorCustomerId, String recipientCustomerId, String planId,
            String giftPlanId) {
        if (recipientCustomerId == null || recipientCustomerId.isBlank()) {
            return Optional.of(Rejection.invalid("gift_recipient_required", "gift.recipient", "is required"));
        }
        if (recipientCustomerId.equals(donorCustomerId)) {
            return Optional.of(Rejection.invalid("gift_to_oneself", "gift.recipient",
                    "must be another customer than the donor (a gift to oneself is a plain subscription)"));
        }
        if (giftPlanId != null && !giftPlanId.equals(planId)) {
            return Optional.of(Rejection.invalid("gift_same_plan", "gift.plan",
                    "donor and recipient share the same plan: must be " + planId));
        }
        return Optional.empty();
    }
}
