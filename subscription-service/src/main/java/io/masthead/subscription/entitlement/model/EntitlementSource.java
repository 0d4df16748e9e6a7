package io.masthead.subscription.entitlement.model;

import java.util.Locale;

/** Where a customer's entitlements come from: granting subscriptions, or the site's free tier. */
public enum EntitlementSource {
    SUBSCRIPTIONS,
    FREE_TIER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EntitlementSource parse(String value) {
        return EntitlementSource.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
