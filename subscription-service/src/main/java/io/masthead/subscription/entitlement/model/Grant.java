package io.masthead.subscription.entitlement.model;

import java.util.List;
import java.util.Objects;

/**
 * A subscription that grants access (its status is one of {@link Access#GRANTING}) and the entitlements of its plan.
 */
public record Grant(String subscriptionId, List<String> entitlements) {

    public Grant {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        entitlements = entitlements == null ? List.of() : List.copyOf(entitlements);
    }
}
