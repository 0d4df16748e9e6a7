package io.masthead.subscription.entitlement.model;

import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which subscriptions grant their plan's entitlements: those the customer is still being served by. {@code active}
 * and {@code trialing} obviously; {@code past_due} too, because a payment is being retried and access stays on while
 * it is (the dunning grace period: cutting a reader off at the first declined card loses readers who would have paid).
 * {@code unpaid} (every retry failed), {@code paused} (the seed: "during pause, user access downgrades to free-tier
 * entitlements"), {@code scheduled} (not started), {@code canceled} and {@code expired} grant nothing. (The partial
 * index {@code entitlement_subscriptions_plan_holders} of V7__entitlements.sql names the same statuses.)
 */
public final class Access {

    public static final Set<SubscriptionStatus> GRANTING = EnumSet.of(SubscriptionStatus.ACTIVE,
            SubscriptionStatus.TRIALING, SubscriptionStatus.PAST_DUE);

    /** The wire names of {@link #GRANTING}, for queries. */
    public static final List<String> GRANTING_NAMES = GRANTING.stream().map(SubscriptionStatus::wireName).sorted()
            .toList();

    private Access() {
    }

    public static boolean grants(SubscriptionStatus status) {
        return GRANTING.contains(status);
    }
}
