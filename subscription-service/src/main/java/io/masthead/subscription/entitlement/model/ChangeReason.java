package io.masthead.subscription.entitlement.model;

import java.util.Locale;

/** Why a customer's entitlements were computed again. */
public enum ChangeReason {
    /** A subscription of the customer changed (any {@code subscription.*} event). */
    SUBSCRIPTION_CHANGED,
    /** The entitlements of a plan of a granting subscription changed ({@code plan.updated}). */
    PLAN_CHANGED,
    /** The site's free tier changed ({@code PUT /v1/entitlement_settings}). */
    FREE_TIER_CHANGED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
