package io.masthead.subscription.entitlement.web;

import io.masthead.platform.security.Caller;
import io.masthead.subscription.entitlement.application.EntitlementSettingsService;
import io.masthead.subscription.entitlement.application.Entitlements;
import io.masthead.subscription.entitlement.web.EntitlementJson.CustomerEntitlementsResource;
import io.masthead.subscription.entitlement.web.EntitlementJson.EntitlementSettingsResource;
import io.masthead.subscription.entitlement.web.EntitlementJson.UpdateEntitlementSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Entitlements", description = "What customers have access to, from their subscriptions' plans or the "
        + "site's free tier; every change is told by entitlements.updated")
class EntitlementController {

    private final Entitlements entitlements;
    private final EntitlementSettingsService settings;

    EntitlementController(Entitlements entitlements, EntitlementSettingsService settings) {
        this.entitlements = entitlements;
        this.settings = settings;
    }

    @GetMapping("/v1/customers/{id}/entitlements")
    @Operation(operationId = "retrieveCustomerEntitlements", summary = "Retrieve a customer's entitlements",
            description = "The union of the entitlements of the plans of the customer's active, trialing and past_due "
                    + "subscriptions (a gift counts for its recipient), each with the subscriptions granting it; when "
                    + "those grant none, the site's free tier. A customer token reads its own customer only (another "
                    + "customer: 404).")
    @ApiResponse(responseCode = "200", description = "The customer's entitlements now")
    Mono<CustomerEntitlementsResource> ofCustomer(Caller caller, @PathVariable String id) {
        return entitlements.ofCustomer(caller, id).map(CustomerEntitlementsResource::of);
    }

    @GetMapping("/v1/entitlement_settings")
    @Operation(operationId = "retrieveEntitlementSettings", summary = "Retrieve the site's entitlement settings")
    @ApiResponse(responseCode = "200", description = "The settings (an empty free tier until one is set)")
    Mono<EntitlementSettingsResource> getSettings(Caller caller) {
        return settings.get(caller).map(EntitlementSettingsResource::of);
    }

    @PutMapping("/v1/entitlement_settings")
    @Operation(operationId = "updateEntitlementSettings", summary = "Set the site's free tier",
            description = "Replaces the free tier. When it changes, every customer whose last told entitlements are "
                    + "the free tier (a customer whose subscriptions were computed at least once and grant nothing "
                    + "now) is told with entitlements.updated (reason free_tier_changed), in the background and in "
                    + "batches; customers who never had a subscription are not told (they have the free tier "
                    + "wherever they are not told otherwise). The same names again change nothing.")
    @ApiResponse(responseCode = "200", description = "The settings as stored")
    @ApiResponse(responseCode = "422", description = "free_tier missing, too long, or a bad or repeated name")
    Mono<EntitlementSettingsResource> putSettings(Caller caller, @RequestBody UpdateEntitlementSettings body) {
        caller.requireAdmin();
        return settings.put(caller, body.freeTier()).map(EntitlementSettingsResource::of);
    }
}
