package io.masthead.subscription.product.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.Csv;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.product.application.ProductService;
import io.masthead.subscription.product.model.Product;
import io.masthead.subscription.product.web.ProductJson.ProductResource;
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
@RequestMapping("/v1/products")
@Tag(name = "Products", description = "What customers subscribe to; each product has one or more plans")
class ProductController {

    private static final String OLD_PROVIDER_ID_TAKEN = "The old_provider_id is already used by another product of "
            + "this site";
    private static final String HAS_ACTIVE_PLANS = "The product has active plans (the problem says how many): "
            + "deactivate them first";

    private final ProductService service;

    ProductController(ProductService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(operationId = "createProduct", summary = "Create a product", description = "Emits product.created.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The new product", required = true,
            content = @Content(schema = @Schema(implementation = ProductJson.CreateProduct.class)))
    @ApiResponse(responseCode = "201", description = "The product, created; `Location` is its URL")
    @ApiResponse(responseCode = "409", description = OLD_PROVIDER_ID_TAKEN)
    Mono<ResponseEntity<ProductResource>> create(Caller caller, @RequestBody JsonNode body) {
        caller.requireAdmin();
        return Mono.fromSupplier(() -> ProductJson.read(body, ProductJson.EMPTY))
                .flatMap(profile -> service.create(caller, profile))
                .map(p -> ResponseEntity.created(URI.create("/v1/products/" + p.id())).body(ProductResource.of(p)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveProduct", summary = "Retrieve a product")
    @ApiResponse(responseCode = "200", description = "The product")
    Mono<ProductResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.get(caller, id))).map(ProductResource::of);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateProduct", summary = "Update a product",
            description = "JSON merge patch: absent fields are kept, null clears. `active: false` archives, as "
                    + "`POST /v1/products/{id}/archive` does. Emits product.updated.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @Content(schema = @Schema(implementation = ProductJson.UpdateProduct.class)))
    @ApiResponse(responseCode = "200", description = "The product, updated")
    @ApiResponse(responseCode = "409", description = HAS_ACTIVE_PLANS + "; or " + OLD_PROVIDER_ID_TAKEN)
    Mono<ProductResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        caller.requireAdmin();
        ProductJson.read(body, ProductJson.EMPTY); // the body's shape and types, before the product is looked up
        return knownId(id).then(Mono.defer(() -> service.update(caller, id, before -> ProductJson.read(body,
                before)))).map(ProductResource::of);
    }

    @PostMapping("/{id}/archive")
    @Operation(operationId = "archiveProduct", summary = "Archive a product",
            description = "Its plans take no new subscriptions; existing ones run on. Refused while the product has "
                    + "active plans. Archiving an archived product changes nothing. Emits product.updated.")
    @ApiResponse(responseCode = "200", description = "The product, archived")
    @ApiResponse(responseCode = "409", description = HAS_ACTIVE_PLANS)
    Mono<ProductResource> archive(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.archive(caller, id))).map(ProductResource::of);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteProduct", summary = "Delete a product",
            description = "Only a product no subscription ever used, with no active plans; its (inactive) plans are "
                    + "deleted with it. Emits plan.deleted for each, then product.deleted.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "409", description = "The product is used by subscriptions (archive it instead) or "
            + "has active plans")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.delete(caller, id)))
                .then(Mono.fromSupplier(() -> ResponseEntity.noContent().<Void>build()));
    }

    @GetMapping
    @Operation(operationId = "listProducts", summary = "List products",
            description = "Newest first; cursor pagination with limit and starting_after; optionally only active "
                    + "or only archived ones.")
    @ApiResponse(responseCode = "200", description = "A page of products")
    Mono<ListResponse<ProductResource>> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter,
            @Parameter(description = "`true`: active products only; `false`: archived ones only",
                    schema = @Schema(type = "boolean")) @RequestParam(required = false) String active) {
        caller.requireAdmin();
        PageRequest page = PageRequest.of(limit, startingAfter);
        Boolean onlyActive = active == null ? null : switch (active) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ValidationException.of("active", "must be true or false");
        };
        return service.list(caller, onlyActive, page).map(p -> p.map(ProductResource::of));
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(operationId = "exportProducts", summary = "Export every product as CSV",
            description = "Streamed, oldest first, archived ones included (Release 1.54: products and plans export).")
    @ApiResponse(responseCode = "200", description = "products.csv: a header line, then one line per product",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string",
                    example = "id,name,description,address_required,active,statement_descriptor,image,"
                            + "old_provider_id,metadata,created_at,updated_at\r\n")))
    ResponseEntity<Flux<String>> export(Caller caller) {
        return Csv.download("products.csv", ProductJson.CSV_HEADER, service.export(caller), ProductJson::csvRow);
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Product.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("product", id));
    }
}
