package io.masthead.subscription.entitlement.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A customer's effective entitlements: the union of the entitlements of the subscriptions that grant access, each
 * with every subscription granting it; when those grant no entitlement at all (no granting subscription, or only
 * plans without entitlements), the site's free tier instead. Entitlements are sorted by name and their grantors by
 * id, so two sets computed from the same state are equal, whatever order the rows came in.
 */
public record EntitlementSet(String customerId, EntitlementSource source, List<Entitlement> entitlements) {

    public EntitlementSet {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(source, "source");
        entitlements = entitlements == null ? List.of() : List.copyOf(entitlements);
    }

    /** The set that {@code grants} and the free tier give the customer. */
    public static EntitlementSet of(String customerId, List<Grant> grants, List<String> freeTier) {
        Map<String, Set<String>> grantors = new TreeMap<>();
        for (Grant grant : grants) {
            for (String name : grant.entitlements()) {
                grantors.computeIfAbsent(name, n -> new TreeSet<>()).add(grant.subscriptionId());
            }
        }
        if (grantors.isEmpty()) {
            return freeTier(customerId, freeTier);
        }
        List<Entitlement> entitlements = new ArrayList<>();
        grantors.forEach((name, by) -> entitlements.add(new Entitlement(name, List.copyOf(by), false)));
        return new EntitlementSet(customerId, EntitlementSource.SUBSCRIPTIONS, entitlements);
    }

    /** The free tier alone: what a customer without granting subscriptions has. */
    public static EntitlementSet freeTier(String customerId, List<String> freeTier) {
        return new EntitlementSet(customerId, EntitlementSource.FREE_TIER,
                new TreeSet<>(freeTier).stream().map(Entitlement::ofFreeTier).toList());
    }

    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        entitlements.forEach(e -> names.add(e.name()));
        return names;
    }
}
