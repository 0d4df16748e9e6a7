package io.masthead.customer.address.web;

import io.masthead.customer.address.application.AddressService;
import io.masthead.customer.address.model.Address;
import io.masthead.customer.address.model.AddressDetails;
import io.masthead.customer.customer.model.Customer;
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
import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

@RestController
@Tag(name = "Addresses", description = "Customers' billing and shipping addresses")
class AddressController {

    @Schema(description = "A new address of a customer")
    record CreateAddress(
            @Schema(allowableValues = {"billing", "shipping"}, example = "billing") String type,
            @Schema(example = "Perry") String firstName,
            @Schema(example = "White") String lastName,
            @Schema(example = "Mr") String salutation,
            @Schema(example = "Editor-in-chief") String title,
            @Schema(example = "Daily Planet") String company,
            @Schema(example = "Newsroom") String department,
            @Schema(example = "355 Rue Sainte-Catherine O") String line1,
            @Schema(example = "Suite 500") String line2,
            @Schema(example = "Montreal") String city,
            @Schema(example = "QC") String state,
            @Schema(example = "H3B 1A5") String postalCode,
            @Schema(description = "ISO 3166-1 alpha-2", example = "CA") String country,
            @Schema(example = "+1-514-123-4567") String phone) {
        AddressDetails toDetails() {
            return new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, line2,
                    city, state, postalCode, country, phone);
        }
    }

    /** Documents the body of an update, which is read as a JSON merge patch. */
    @Schema(description = "A JSON merge patch: the fields to change (the type is fixed); null clears one")
    record UpdateAddress(
            @Schema(example = "Perry") String firstName,
            @Schema(example = "White") String lastName,
            @Schema(example = "Mr") String salutation,
            @Schema(example = "Editor-in-chief") String title,
            @Schema(example = "Daily Planet") String company,
            @Schema(example = "Newsroom") String department,
            @Schema(example = "1000 Rue De La Gauchetiere O") String line1,
            @Schema(example = "Floor 12") String line2,
            @Schema(example = "Montreal") String city,
            @Schema(example = "QC") String state,
            @Schema(example = "H3B 4W5") String postalCode,
            @Schema(example = "CA") String country,
            @Schema(example = "+1-514-123-4567") String phone) {
    }

    @Schema(name = "Address", description = "A billing or shipping address of a customer")
    record AddressResource(
            @Schema(example = "adr_01jt3z8x9k2m4n6p8q0r2s4t6x") String id,
            @Schema(allowableValues = "address") String object,
            @Schema(example = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v") String customerId,
            @Schema(allowableValues = {"billing", "shipping"}, example = "billing") String type,
            @Schema(example = "Perry") String firstName,
            @Schema(example = "White") String lastName,
            @Schema(example = "Mr") String salutation,
            @Schema(example = "Editor-in-chief") String title,
            @Schema(example = "Daily Planet") String company,
            @Schema(example = "Newsroom") String department,
            @Schema(example = "355 Rue Sainte-Catherine O") String line1,
            @Schema(example = "Suite 500") String line2,
            @Schema(example = "Montreal") String city,
            @Schema(example = "QC") String state,
            @Schema(example = "H3B 1A5") String postalCode,
            @Schema(example = "CA") String country,
            @Schema(example = "+1-514-123-4567") String phone,
            @Schema(example = "2026-05-04T09:30:00Z") Instant createdAt,
            @Schema(example = "2026-05-04T09:30:00Z") Instant updatedAt) {
        static AddressResource of(Address a) {
            AddressDetails d = a.details();
            return new AddressResource(a.id(), "address", a.customerId(), d.type(), d.firstName(), d.lastName(),
                    d.salutation(), d.title(), d.company(), d.department(), d.line1(), d.line2(), d.city(), d.state(),
                    d.postalCode(), d.country(), d.phone(), a.createdAt(), a.updatedAt());
        }
    }

    private static final String[] CSV_HEADER = {"id", "customer_id", "type", "first_name", "last_name", "salutation",
        "title", "company", "department", "line1", "line2", "city", "state", "postal_code", "country", "phone",
        "created_at", "updated_at"};

    private final AddressService service;

    AddressController(AddressService service) {
        this.service = service;
    }

    @PostMapping("/v1/customers/{customerId}/addresses")
    @Operation(operationId = "createAddress", summary = "Add a billing or shipping address to a customer",
            description = "Emits address.created.")
    @ApiResponse(responseCode = "201", description = "The address, created; `Location` is its URL")
    Mono<ResponseEntity<AddressResource>> create(Caller caller, @PathVariable String customerId,
            @RequestBody CreateAddress body) {
        return knownId(Customer.ID_PREFIX, "customer", customerId)
                .then(Mono.defer(() -> service.create(caller, customerId, body.toDetails())))
                .map(a -> ResponseEntity.created(URI.create("/v1/addresses/" + a.id())).body(AddressResource.of(a)));
    }

    @GetMapping("/v1/customers/{customerId}/addresses")
    @Operation(operationId = "listCustomerAddresses", summary = "List a customer's addresses",
            description = "Newest first; cursor pagination. With a customer token: only the token's own customer "
                    + "(any other id is 404).",
            security = {@SecurityRequirement(name = ApiContract.SECURITY_SCHEME),
                @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME)})
    @ApiResponse(responseCode = "200", description = "A page of the customer's addresses")
    Mono<ListResponse<AddressResource>> list(Caller caller, @PathVariable String customerId,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return knownId(Customer.ID_PREFIX, "customer", customerId)
                .then(Mono.defer(() -> service.listOfCustomer(caller, customerId, PageRequest.of(limit, startingAfter))))
                .map(p -> p.map(AddressResource::of));
    }

    @GetMapping("/v1/addresses/{id}")
    @Operation(operationId = "retrieveAddress", summary = "Retrieve an address",
            description = "With a customer token: only the token's own customer's addresses (any other is 404).",
            security = {@SecurityRequirement(name = ApiContract.SECURITY_SCHEME),
                @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME)})
    @ApiResponse(responseCode = "200", description = "The address")
    Mono<AddressResource> get(Caller caller, @PathVariable String id) {
        return knownId(Address.ID_PREFIX, "address", id).then(Mono.defer(() -> service.get(caller, id))).map(AddressResource::of);
    }

    @PatchMapping("/v1/addresses/{id}")
    @Operation(operationId = "updateAddress", summary = "Update an address",
            description = "JSON merge patch; the type is fixed. Emits address.updated.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @Content(schema = @Schema(implementation = UpdateAddress.class)))
    @ApiResponse(responseCode = "200", description = "The address, updated")
    Mono<AddressResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        Patch patch = Patch.of(body, AddressDetails.MUTABLE_FIELDS);
        return knownId(Address.ID_PREFIX, "address", id).then(Mono.defer(() -> service.update(caller, id, details -> {
            AddressDetails changed = details;
            for (String field : AddressDetails.MUTABLE_FIELDS) {
                if (patch.has(field)) {
                    changed = changed.with(field, patch.text(field));
                }
            }
            patch.throwIfInvalid();
            return changed;
        }))).map(AddressResource::of);
    }

    @GetMapping(value = "/v1/addresses/export", produces = "text/csv")
    @Operation(operationId = "exportAddresses", summary = "Export every address as CSV",
            description = "Streamed; for offboarding and migration.")
    @ApiResponse(responseCode = "200", description = "addresses.csv: a header line, then one line per address",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string",
                    example = "id,customer_id,type,first_name,last_name,salutation,title,company,department,line1,"
                            + "line2,city,state,postal_code,country,phone,created_at,updated_at\r\n")))
    ResponseEntity<Flux<String>> export(Caller caller) {
        return Csv.download("addresses.csv", CSV_HEADER, service.export(caller), a -> {
            AddressDetails d = a.details();
            return new Object[] {a.id(), a.customerId(), d.type(), d.firstName(), d.lastName(), d.salutation(),
                d.title(), d.company(), d.department(), d.line1(), d.line2(), d.city(), d.state(), d.postalCode(),
                d.country(), d.phone(), a.createdAt(), a.updatedAt()};
        });
    }

    private static Mono<Void> knownId(String prefix, String resource, String id) {
        return Ids.looksLike(prefix, id) ? Mono.empty() : Mono.error(ProblemException.notFound(resource, id));
    }
}
