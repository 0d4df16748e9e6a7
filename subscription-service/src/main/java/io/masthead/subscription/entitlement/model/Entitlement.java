package io.masthead.subscription.entitlement.model;

import java.util.List;
import java.util.Objects;

/**
 * One entitlement of a customer and what grants it: the subscriptions (by id, oldest first: ids are time-ordered), or
 * the site's free tier.
 */
public record Entitlement(String name, List<String> grantedBy, boolean freeTier) {

    public Entitlement {
        Objects.requireNonNull(name, "name");
        grantedBy = grantedBy == null ? List.of() : List.copyOf(grantedBy);
    }

    public static Entitlement ofFreeTier(String name) {
        return new Entitlement(name, List.of(), true);
    }
}
