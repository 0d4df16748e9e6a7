package io.masthead.subscription.entitlement.model;

import java.util.Objects;

/**
 * A subscription as the entitlement sync knows it, from the snapshot of its last applied event: who holds it (the
 * gift recipient, else the customer), its plan and its status (a wire name; {@link Access} says which grant).
 */
public record HeldSubscription(String subscriptionId, String holderId, String planId, String status) {

    public HeldSubscription {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(holderId, "holderId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(status, "status");
    }

    /** From a snapshot: the recipient holds a gift, the payer holds its own subscription. */
    public static HeldSubscription of(String subscriptionId, String customerId, String giftRecipientId,
            String planId, String status) {
        return new HeldSubscription(subscriptionId, giftRecipientId != null ? giftRecipientId : customerId, planId,
                status);
    }
}
