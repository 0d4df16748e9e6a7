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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
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
@Tag(name = "Customers")
class CustomerController {

    private final CustomerService service;

    CustomerController(CustomerService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(summary = "Create a customer", description = "Emits customer.created. Accepts Idempotency-Key.")
    Mono<ResponseEntity<CustomerResource>> create(Caller caller, @RequestBody CreateCustomer body) {
        caller.requireAdmin();
        return service.create(caller, body.toProfile())
                .map(c -> ResponseEntity.created(URI.create("/v1/customers/" + c.id())).body(CustomerResource.of(c)));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Retrieve a customer")
    Mono<CustomerResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.get(caller, id))).map(CustomerResource::of);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Update a customer",
            description = "JSON merge patch: absent fields are kept, null clears. Emits customer.updated.")
    Mono<CustomerResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        caller.requireAdmin();
        Patch patch = Patch.of(body, CustomerProfile.FIELDS);
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
    @Operation(summary = "List customers", description = "Newest first; cursor pagination with limit and starting_after.")
    Mono<ListResponse<CustomerResource>> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter,
            @RequestParam(required = false) String email) {
        return service.list(caller, email, PageRequest.of(limit, startingAfter)).map(page -> page.map(CustomerResource::of));
    }

    @GetMapping("/search")
    @Operation(summary = "Search customers",
            description = "By name, email, display name, phone digits, organization, or an address's company or department.")
    Mono<ListResponse<CustomerResource>> search(Caller caller, @RequestParam(required = false) String query,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return service.search(caller, query, PageRequest.of(limit, startingAfter))
                .map(page -> page.map(CustomerResource::of));
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(summary = "Export every customer as CSV", description = "Streamed; for offboarding and migration.")
    ResponseEntity<Flux<String>> export(Caller caller) {
        return Csv.download("customers.csv", CustomerJson.CSV_HEADER, service.export(caller), CustomerJson::csvRow);
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Customer.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("customer", id));
    }
}
