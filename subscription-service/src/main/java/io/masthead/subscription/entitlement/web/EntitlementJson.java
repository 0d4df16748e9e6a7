package io.masthead.subscription.entitlement.web;

import io.masthead.subscription.entitlement.model.Entitlement;
import io.masthead.subscription.entitlement.model.EntitlementSet;
import io.masthead.subscription.entitlement.model.EntitlementSettings;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** The JSON of entitlements and entitlement settings. */
final class EntitlementJson {

    private EntitlementJson() {
    }

    @Schema(name = "CustomerEntitlements", description = "What a customer has access to now, and what grants it")
    record CustomerEntitlementsResource(
            @Schema(allowableValues = "customer_entitlements") String object,
            @Schema(example = "cus_01HZX3M2Q4R5S6T7V8W9XAYBZC") String customer,
            @Schema(allowableValues = {"subscriptions", "free_tier"},
                    description = "subscriptions: the union of the entitlements of the plans of the customer's "
                            + "active, trialing and past_due subscriptions; free_tier: those grant none, so the "
                            + "site's free tier applies") String source,
            @ArraySchema(schema = @Schema(implementation = EntitlementResource.class),
                    arraySchema = @Schema(description = "Sorted by name")) List<EntitlementResource> entitlements) {

        static CustomerEntitlementsResource of(EntitlementSet set) {
            return new CustomerEntitlementsResource("customer_entitlements", set.customerId(),
                    set.source().wireName(), set.entitlements().stream().map(EntitlementResource::of).toList());
        }
    }

    @Schema(name = "Entitlement")
    record EntitlementResource(@Schema(example = "digital_access") String name,
            @Schema(description = "The subscriptions that grant it, oldest first; empty for the free tier",
                    example = "[\"sub_01HZX3M2Q4R5S6T7V8W9XAYBZC\"]") List<String> grantedBy,
            @Schema(description = "Granted by the site's free tier") boolean freeTier) {

        static EntitlementResource of(Entitlement e) {
            return new EntitlementResource(e.name(), e.grantedBy(), e.freeTier());
        }
    }

    @Schema(name = "EntitlementSettings")
    record EntitlementSettingsResource(@Schema(allowableValues = "entitlement_settings") String object,
            @Schema(description = "What every customer without a granting subscription has (paused, canceled, "
                    + "expired, unpaid or none at all)", example = "[\"newsletter\", \"free_articles:5\"]")
            List<String> freeTier,
            @Schema(description = "When the free tier was last set; null if never") Instant updatedAt) {

        static EntitlementSettingsResource of(EntitlementSettings s) {
            return new EntitlementSettingsResource("entitlement_settings", s.freeTier(), s.updatedAt());
        }
    }

    @Schema(name = "UpdateEntitlementSettings", description = "The site's new free tier (replaces the old one)")
    record UpdateEntitlementSettings(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "Up to 50 distinct names: 1 to 100 letters, digits, _ . : or -, starting with a "
                            + "letter or digit (as plan entitlements)", example = "[\"newsletter\"]")
            List<String> freeTier) {
    }
}
