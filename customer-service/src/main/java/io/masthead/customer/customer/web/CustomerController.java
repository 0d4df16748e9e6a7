package io.masthead.customer.customer.web;

import io.masthead.customer.customer.application.CustomerService;
import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import io.masthead.customer.customer.web.CustomerJson.CreateCustomer;
import io.masthead.customer.customer.web.CustomerJson.CustomerResource;
import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.Csv;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.Patch;
import io.masthead.platform.web.ProblemException;
import io.masthead.platform.openapi.ApiContract;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.masthead.platform.validation.Violation;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
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
@RequestMapping("/v1/customers")
@Tag(name = "Customers", description = "A site's end customers (readers, subscribers): profile, metadata, search and export")
class CustomerController {

    private static final String UNIQUE_FIELDS = "The email, display_name or old_provider_id is already used by another "
            + "customer of this site";

    private final CustomerService service;

    CustomerController(CustomerService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(operationId = "createCustomer", summary = "Create a customer", description = "Emits customer.created.")
    @ApiResponse(responseCode = "201", description = "The customer, created; `Location` is its URL")
    @ApiResponse(responseCode = "409", description = UNIQUE_FIELDS)
    Mono<ResponseEntity<CustomerResource>> create(Caller caller, @RequestBody CreateCustomer body) {
        caller.requireAdmin();
        return service.create(caller, body.toProfile())
                .map(c -> ResponseEntity.created(URI.create("/v1/customers/" + c.id())).body(CustomerResource.of(c)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveCustomer", summary = "Retrieve a customer",
            description = "With a customer token: only the token's own customer (any other id is 404).",
            security = {@SecurityRequirement(name = ApiContract.SECURITY_SCHEME),
                @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME)})
    @ApiResponse(responseCode = "200", description = "The customer")
    Mono<CustomerResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.get(caller, id))).map(CustomerResource::of);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateCustomer", summary = "Update a customer",
            description = "JSON merge patch: absent fields are kept, null clears. Emits customer.updated. With a customer "
                    + "token: only the token's own customer (any other id is 404), and only first_name, last_name, "
                    + "phone, title, salutation and display_name (403 naming any other field).",
            security = {@SecurityRequirement(name = ApiContract.SECURITY_SCHEME),
                @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME)})
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @Content(schema = @Schema(implementation = CustomerJson.UpdateCustomer.class)))
    @ApiResponse(responseCode = "200", description = "The customer, updated")
    @ApiResponse(responseCode = "409", description = UNIQUE_FIELDS)
    Mono<CustomerResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        Patch patch = Patch.of(body, CustomerProfile.FIELDS);
        if (!caller.isAdmin() && caller.mayActFor(id)) {
            List<String> refused = CustomerProfile.FIELDS.stream()
                    .filter(field -> patch.has(field) && !CustomerService.SELF_SERVICE_FIELDS.contains(field)).toList();
            if (!refused.isEmpty()) {
                throw new ProblemException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                        "A customer token may change only " + String.join(", ", CustomerService.SELF_SERVICE_FIELDS.stream()
                                .sorted().toList()),
                        refused.stream().map(field -> new Violation(field, "only a secret key may change it")).toList());
            }
        }
        return knownId(id).then(Mono.defer(() -> service.update(caller, id, profile -> {
            CustomerProfile.Builder builder = profile.toBuilder();
            for (String field : CustomerProfile.FIELDS) {
                if (!patch.has(field)) {
                    continue;
                }
                if (field.equals("metadata")) {
                    builder.metadata(patch.stringMap(field));
                } else {
                    builder.set(field, patch.text(field));
                }
            }
            patch.throwIfInvalid();
            return builder.build();
        }))).map(CustomerResource::of);
    }

    @GetMapping
    @Operation(operationId = "listCustomers", summary = "List customers",
            description = "Newest first; cursor pagination with limit and starting_after; optionally by exact email.")
    @ApiResponse(responseCode = "200", description = "A page of customers")
    Mono<ListResponse<CustomerResource>> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter,
            @RequestParam(required = false) String email) {
        return service.list(caller, email, PageRequest.of(limit, startingAfter)).map(page -> page.map(CustomerResource::of));
    }

    @GetMapping("/search")
    @ApiResponse(responseCode = "200", description = "A page of matching customers")
    @Operation(operationId = "searchCustomers", summary = "Search customers",
            description = "By name, email, display name, phone digits, organization, or an address's company or department.")
    Mono<ListResponse<CustomerResource>> search(Caller caller, @RequestParam(required = false) String query,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return service.search(caller, query, PageRequest.of(limit, startingAfter))
                .map(page -> page.map(CustomerResource::of));
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(operationId = "exportCustomers", summary = "Export every customer as CSV",
            description = "Streamed; for offboarding and migration.")
    @ApiResponse(responseCode = "200", description = "customers.csv: a header line, then one line per customer",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string",
                    example = "id,old_provider_id,email,first_name,last_name,phone,title,salutation,display_name,"
                            + "organization_id,metadata,created_at,updated_at\r\n")))
    ResponseEntity<Flux<String>> export(Caller caller) {
        return Csv.download("customers.csv", CustomerJson.CSV_HEADER, service.export(caller), CustomerJson::csvRow);
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Customer.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("customer", id));
    }
}
