package io.masthead.subscription.entitlement.model;

import io.masthead.platform.validation.Violations;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A site's entitlement settings: its free tier, the entitlements every customer without a granting subscription has
 * (seed 003: "during pause, user access downgrades to free-tier entitlements"). {@code updatedAt} is null for a site
 * that never set them (an empty free tier).
 */
public record EntitlementSettings(String siteId, List<String> freeTier, Instant updatedAt) {

    public EntitlementSettings {
        Objects.requireNonNull(siteId, "siteId");
        freeTier = freeTier == null ? List.of() : List.copyOf(freeTier);
    }

    public static EntitlementSettings none(String siteId) {
        return new EntitlementSettings(siteId, List.of(), null);
    }

    /**
     * The settings with {@code freeTier} instead, sorted (names are a set); a violation for each bad name.
     *
     * @param freeTier as the request gave it: null is a missing field
     */
    public static EntitlementSettings request(String siteId, List<String> freeTier, Instant now) {
        Violations v = new Violations();
        if (freeTier == null) {
            v.require("free_tier", null);
        } else {
            EntitlementNames.validate("free_tier", freeTier, v);
        }
        v.throwIfAny();
        return new EntitlementSettings(siteId, freeTier.stream().sorted().toList(), now);
    }

    /** Whether {@code next} gives customers other entitlements than these (the same names in any order do not). */
    public boolean freeTierDiffersFrom(EntitlementSettings next) {
        return !freeTier.stream().sorted().toList().equals(next.freeTier.stream().sorted().toList());
    }
}
