package io.masthead.subscription.plan.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.Csv;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.plan.application.PlanService;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanTerms;
import io.masthead.subscription.plan.web.PlanJson.PlanResource;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
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
@RequestMapping("/v1/plans")
@Tag(name = "Plans", description = "A product's pricing plans: price, billing cycle, renewal, shipments, entitlements")
class PlanController {

    private static final String OLD_ID_TAKEN = "The old_id is already used by another plan of this site";

    private final PlanService service;

    PlanController(PlanService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(operationId = "createPlan", summary = "Create a plan", description = "Emits plan.created.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The new plan", required = true,
            content = @Content(schema = @Schema(implementation = PlanJson.CreatePlan.class)))
    @ApiResponse(responseCode = "201", description = "The plan, created; `Location` is its URL")
    @ApiResponse(responseCode = "409", description = OLD_ID_TAKEN)
    Mono<ResponseEntity<PlanResource>> create(Caller caller, @RequestBody JsonNode body) {
        caller.requireAdmin();
        return Mono.fromSupplier(() -> PlanJson.read(body, PlanJson.CREATE_FIELDS, PlanJson.EMPTY))
                .flatMap(terms -> service.create(caller, PlanJson.product(body), terms))
                .map(p -> ResponseEntity.created(URI.create("/v1/plans/" + p.id())).body(PlanResource.of(p)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrievePlan", summary = "Retrieve a plan")
    @ApiResponse(responseCode = "200", description = "The plan")
    Mono<PlanResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.get(caller, id))).map(PlanResource::of);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updatePlan", summary = "Update a plan",
            description = "JSON merge patch: absent fields are kept, null clears. Once a subscription uses the plan, "
                    + "amount, currency, interval and interval_count are fixed: create a new plan instead. The product "
                    + "is fixed. Emits plan.updated.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @Content(schema = @Schema(implementation = PlanJson.UpdatePlan.class)))
    @ApiResponse(responseCode = "200", description = "The plan, updated")
    @ApiResponse(responseCode = "409", description = "The plan is used by subscriptions and a fixed field (amount, "
            + "currency, interval, interval_count) would change, each named in `errors`; or `active: true` while the "
            + "product is archived; or " + OLD_ID_TAKEN)
    Mono<PlanResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        caller.requireAdmin();
        PlanJson.read(body, PlanTerms.FIELDS, PlanJson.EMPTY); // the body's shape and types first
        return knownId(id).then(Mono.defer(() -> service.update(caller, id,
                before -> PlanJson.read(body, PlanTerms.FIELDS, before)))).map(PlanResource::of);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deletePlan", summary = "Delete a plan",
            description = "Only a plan no subscription ever used (deactivate a used one). Emits plan.deleted.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "409", description = "The plan is used by subscriptions: deactivate it instead")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.delete(caller, id)))
                .then(Mono.fromSupplier(() -> ResponseEntity.noContent().<Void>build()));
    }

    @GetMapping
    @Operation(operationId = "listPlans", summary = "List plans",
            description = "Newest first; cursor pagination with limit and starting_after; optionally of one product.")
    @ApiResponse(responseCode = "200", description = "A page of plans")
    Mono<ListResponse<PlanResource>> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter,
            @Parameter(description = "Only the plans of this product", example = PlanJson.PRODUCT_ID)
            @RequestParam(required = false) String product) {
        caller.requireAdmin();
        PageRequest page = PageRequest.of(limit, startingAfter);
        if (product != null && !Ids.looksLike(io.masthead.subscription.product.model.Product.ID_PREFIX, product)) {
            throw ValidationException.of("product", "must be a product id (prd_...)");
        }
        return service.list(caller, product, page).map(p -> p.map(PlanResource::of));
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(operationId = "exportPlans", summary = "Export every plan as CSV",
            description = "Streamed, oldest first, inactive ones included (Release 1.54: products and plans export). "
                    + "Entitlements are comma-separated in one cell, as the migration template writes them.")
    @ApiResponse(responseCode = "200", description = "plans.csv: a header line, then one line per plan",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string",
                    example = "id,product,nickname,description,amount,currency,interval,interval_count,auto_renew,"
                            + "available_online,shipments_per_interval,type,revenue_recognition_type,entitlements,"
                            + "trial_period_days,old_id,active,metadata,created_at,updated_at\r\n")))
    ResponseEntity<Flux<String>> export(Caller caller) {
        return Csv.download("plans.csv", PlanJson.CSV_HEADER, service.export(caller), PlanJson::csvRow);
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Plan.ID_PREFIX, id) ? Mono.empty() : Mono.error(ProblemException.notFound("plan", id));
    }
}
