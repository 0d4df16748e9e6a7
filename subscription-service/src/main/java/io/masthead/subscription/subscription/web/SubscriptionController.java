package io.masthead.subscription.subscription.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.Csv;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.Patch;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.subscription.application.SubscriptionService;
import io.masthead.subscription.subscription.model.Refund;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionFilter;
import io.masthead.subscription.subscription.web.SubscriptionJson.CancelSubscription;
import io.masthead.subscription.subscription.web.SubscriptionJson.ChangePlan;
import io.masthead.subscription.subscription.web.SubscriptionJson.CreateSubscription;
import io.masthead.subscription.subscription.web.SubscriptionJson.Renew;
import io.masthead.subscription.subscription.web.SubscriptionJson.SubscriptionResource;
import io.masthead.platform.openapi.ApiContract;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/v1/subscriptions")
@Tag(name = "Subscriptions", description = "Customers' subscriptions to plans over their whole life: create, read, "
        + "search, export, change, cancel, change of plan, renewal ahead of time")
class SubscriptionController {

    private static final Set<String> PATCH_FIELDS = Set.of("shipping_address", "billing_address",
            "shipments_remaining", "shipments_undeliverable", "shipments_suspended_until", "cancel_at_period_end",
            "auto_renew", "metadata");

    private final SubscriptionService service;
    private final SiteTime siteTime;

    SubscriptionController(SubscriptionService service, SiteTime siteTime) {
        this.service = service;
        this.siteTime = siteTime;
    }

    /** The resource as of the site's now (the pause counts are of its calendar year). */
    private Mono<SubscriptionResource> resource(Caller caller, Subscription s) {
        return siteTime.now(caller).map(now -> SubscriptionResource.of(s, now));
    }

    @PostMapping
    @Operation(operationId = "createSubscription", summary = "Create a subscription",
            description = "Active now, trialing, or scheduled (start_date in the future). Emits subscription.created.")
    @ApiResponse(responseCode = "201", description = "The subscription, created; `Location` is its URL")
    @ApiResponse(responseCode = "409", description = "A member of a group whose admin's subscription is set to cancel "
            + "at its period end (membership-admin-canceling: a member never outlives its admin)")
    @ApiResponse(responseCode = "422", description = "A rule is broken: each bad field is named")
    Mono<ResponseEntity<SubscriptionResource>> create(Caller caller, @RequestBody CreateSubscription body) {
        caller.requireAdmin();
        if (body.giftWithoutRecipient()) {
            throw ValidationException.of("gift.recipient", "is required");
        }
        return service.create(caller, body.toInput()).flatMap(s -> resource(caller, s).map(r -> ResponseEntity
                .created(URI.create("/v1/subscriptions/" + s.id())).body(r)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveSubscription", summary = "Retrieve a subscription",
            description = "With a customer token: only the token's customer's own (any other is 404).",
            security = {@SecurityRequirement(name = ApiContract.SECURITY_SCHEME),
                @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME)})
    @ApiResponse(responseCode = "200", description = "The subscription")
    Mono<SubscriptionResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.get(caller, id))).flatMap(s -> resource(caller, s));
    }

    @GetMapping
    @Operation(operationId = "listSubscriptions", summary = "List subscriptions",
            description = "Newest first; by customer, status, plan and creation time [created_gte, created_lt); every "
                    + "status when none is given. The export takes the same filters and holds the same rows. With a "
                    + "customer token: only with `customer` set to the token's own customer (403 otherwise).",
            security = {@SecurityRequirement(name = ApiContract.SECURITY_SCHEME),
                @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME)})
    @ApiResponse(responseCode = "200", description = "A page of subscriptions")
    Mono<ListResponse<SubscriptionResource>> list(Caller caller, @RequestParam(required = false) String customer,
            @RequestParam(required = false) String status, @RequestParam(required = false) String plan,
            @RequestParam(name = "created_gte", required = false) String createdGte,
            @RequestParam(name = "created_lt", required = false) String createdLt,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        SubscriptionFilter filter = SubscriptionFilter.parse(customer, status, plan, createdGte, createdLt);
        return service.list(caller, filter, PageRequest.of(limit, startingAfter))
                .flatMap(page -> siteTime.now(caller).map(now -> page.map(s -> SubscriptionResource.of(s, now))));
    }

    @GetMapping("/search")
    @Operation(operationId = "searchSubscriptions", summary = "Search subscriptions",
            description = "By the customer's name, email, phone number, company or department (seed 002); the list's "
                    + "filters apply too.")
    @ApiResponse(responseCode = "200", description = "A page of matching subscriptions")
    Mono<ListResponse<SubscriptionResource>> search(Caller caller, @RequestParam(required = false) String query,
            @RequestParam(required = false) String status, @RequestParam(required = false) String plan,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        SubscriptionFilter filter = SubscriptionFilter.parse(null, status, plan, null, null);
        return service.search(caller, query, filter, PageRequest.of(limit, startingAfter))
                .flatMap(page -> siteTime.now(caller).map(now -> page.map(s -> SubscriptionResource.of(s, now))));
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(operationId = "exportSubscriptions", summary = "Export subscriptions as CSV",
            description = "Streamed; the list's filters (every status unless one is given), the list's rows.")
    @ApiResponse(responseCode = "200", description = "subscriptions.csv: a header line, then one line per subscription",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string")))
    ResponseEntity<Flux<String>> export(Caller caller, @RequestParam(required = false) String customer,
            @RequestParam(required = false) String status, @RequestParam(required = false) String plan,
            @RequestParam(name = "created_gte", required = false) String createdGte,
            @RequestParam(name = "created_lt", required = false) String createdLt) {
        SubscriptionFilter filter = SubscriptionFilter.parse(customer, status, plan, createdGte, createdLt);
        return Csv.download("subscriptions.csv", SubscriptionJson.CSV_HEADER, service.export(caller, filter),
                SubscriptionJson::csvRow);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateSubscription", summary = "Update a subscription",
            description = "JSON merge patch of addresses, shipments, cancel_at_period_end, auto_renew, metadata "
                    + "(cancel_at_period_end, auto_renew, shipments_remaining and shipments_undeliverable take no "
                    + "null). Emits subscription.updated. Setting cancel_at_period_end on a membership admin's "
                    + "subscription sets it on each live member too, each emitting its own subscription.updated.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @Content(schema = @Schema(implementation = SubscriptionJson.UpdateSubscription.class)))
    @ApiResponse(responseCode = "200", description = "The subscription, updated")
    @ApiResponse(responseCode = "409", description = "The subscription ended: only its metadata can change; or an "
            + "admin's group is too large to change at once (membership-group-too-large)")
    Mono<SubscriptionResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        caller.requireAdmin();
        Patch patch = Patch.of(body, PATCH_FIELDS);
        String shipping = patch.text("shipping_address");
        String billing = patch.text("billing_address");
        Integer shipments = patch.integer("shipments_remaining");
        Boolean undeliverable = patch.flag("shipments_undeliverable");
        Instant suspended = patch.instant("shipments_suspended_until");
        Boolean cancelAtPeriodEnd = patch.flag("cancel_at_period_end");
        Boolean autoRenew = patch.flag("auto_renew");
        // set, never cleared: null is no value of theirs
        patch.rejectNull("shipments_remaining", "shipments_undeliverable", "cancel_at_period_end", "auto_renew");
        var metadata = patch.has("metadata") ? patch.stringMap("metadata") : null;
        if (metadata != null) {
            Violations v = new Violations();
            io.masthead.platform.validation.Metadata.validate("metadata", metadata, v);
            patch.rejectAll(v.list());
        }
        patch.throwIfInvalid(); // every bad field at once: types, nulls and the metadata's rules
        Subscription.Changes changes = new Subscription.Changes(shipping,
                patch.has("shipping_address") && shipping == null, billing,
                patch.has("billing_address") && billing == null, shipments, undeliverable, suspended,
                patch.has("shipments_suspended_until") && suspended == null, cancelAtPeriodEnd, autoRenew, metadata);
        return knownId(id).then(Mono.defer(() -> service.update(caller, id, before -> changes)))
                .flatMap(s -> resource(caller, s));
    }

    @PostMapping("/{id}/cancel")
    @Operation(operationId = "cancelSubscription", summary = "Cancel a subscription",
            description = "at_period_end false (default): it ends now and nothing renews it (subscription.canceled with "
                    + "the refund); true: it runs to its period end (subscription.updated now, subscription.canceled "
                    + "then). A membership admin's subscription takes its live members with it, the same way, each "
                    + "with its own event.")
    @ApiResponse(responseCode = "200", description = "The subscription")
    @ApiResponse(responseCode = "409", description = "It has ended already, or is already set to cancel; or an "
            + "admin's group is too large to change at once (membership-group-too-large)")
    Mono<SubscriptionResource> cancel(Caller caller, @PathVariable String id,
            @RequestBody(required = false) CancelSubscription body) {
        caller.requireAdmin();
        boolean atPeriodEnd = body != null && Boolean.TRUE.equals(body.atPeriodEnd());
        Refund refund = refund(body == null ? null : body.refund());
        return knownId(id).then(Mono.defer(() -> service.cancel(caller, id, atPeriodEnd, refund)))
                .flatMap(s -> resource(caller, s));
    }

    @PostMapping("/{id}/change_plan")
    @Operation(operationId = "changeSubscriptionPlan", summary = "Change a subscription's plan",
            description = "Seed 002: cancels this subscription now with the refund to the customer's balance and starts "
                    + "one on the new plan, in one transaction (subscription.canceled, then subscription.created). A "
                    + "gift moves as a whole; an admin's subscription moves its group's members with it (a member "
                    + "keeps its trial end or start date; one set to cancel at its period end is canceled, not "
                    + "moved).")
    @ApiResponse(responseCode = "201", description = "The new subscription; `replaces` names this one")
    @ApiResponse(responseCode = "409", description = "This subscription has ended, or it is a membership member "
            + "(members move with their admin's change of plan), or an admin's group is too large to change at once "
            + "(membership-group-too-large)")
    @ApiResponse(responseCode = "422", description = "The plan, or the new subscription, breaks a rule a creation "
            + "checks (e.g. an admin's group onto a plan that is not a membership plan): each field is named")
    Mono<ResponseEntity<SubscriptionResource>> changePlan(Caller caller, @PathVariable String id,
            @RequestBody ChangePlan body) {
        caller.requireAdmin();
        Violations v = new Violations();
        v.require("plan", body.plan());
        v.throwIfAny();
        Refund refund = refund(body.refund());
        return knownId(id).then(Mono.defer(() -> service.changePlan(caller, id, body.plan(), refund)))
                .flatMap(s -> resource(caller, s).map(r -> ResponseEntity
                        .created(URI.create("/v1/subscriptions/" + s.id())).body(r)));
    }

    @PostMapping("/{id}/renew")
    @Operation(operationId = "renewSubscription", summary = "Renew a subscription ahead of time",
            description = "Seed 002 \"Charge upon renewal\": schedules the next term (on plan, or the current plan) to "
                    + "start at current_period_end. Emits subscription.renewal_scheduled.")
    @ApiResponse(responseCode = "200", description = "The subscription with its scheduled_renewal")
    @ApiResponse(responseCode = "409", description = "It has ended, has not started, a renewal is scheduled, or it "
            + "is set to cancel at its period end (clear cancel_at_period_end first)")
    Mono<SubscriptionResource> renew(Caller caller, @PathVariable String id, @RequestBody(required = false) Renew body) {
        caller.requireAdmin();
        return knownId(id).then(Mono.defer(() -> service.renew(caller, id, body == null ? null : body.plan())))
                .flatMap(s -> resource(caller, s));
    }

    static Refund refund(String value) {
        if (value == null) {
            return Refund.NONE;
        }
        if (!Refund.isKnown(value)) {
            throw ValidationException.of("refund", "must be none, prorated or full");
        }
        return Refund.parse(value);
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Subscription.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("subscription", id));
    }
}
