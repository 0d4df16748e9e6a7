package io.masthead.customer.organization.web;

import io.masthead.customer.organization.application.OrganizationService;
import io.masthead.customer.organization.model.Organization;
import io.masthead.customer.organization.model.OrganizationProfile;
import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.Patch;
import io.masthead.platform.web.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/v1/organizations")
@Tag(name = "Organizations", description = "Companies and institutions customers belong to")
class OrganizationController {

    @Schema(description = "A new organization")
    record CreateOrganization(
            @Schema(example = "Daily Planet") String name,
            @Schema(example = "Publishing") String industry,
            @Schema(example = "https://dailyplanet.example") String website,
            @Schema(example = METADATA) Map<String, String> metadata) {
    }

    /** Documents the body of an update, which is read as a JSON merge patch. */
    @Schema(description = "A JSON merge patch: the fields to change; null clears one, absent ones are kept")
    record UpdateOrganization(
            @Schema(example = "Daily Planet Media") String name,
            @Schema(example = "Publishing") String industry,
            @Schema(example = "https://dailyplanet.example") String website,
            @Schema(description = "Replaces the whole metadata map", example = METADATA) Map<String, String> metadata) {
    }

    @Schema(name = "Organization", description = "A company or institution customers belong to")
    record OrganizationResource(
            @Schema(example = "org_01jt3z8x9k2m4n6p8q0r2s4t6w") String id,
            @Schema(allowableValues = "organization") String object,
            @Schema(example = "Daily Planet") String name,
            @Schema(example = "Publishing") String industry,
            @Schema(example = "https://dailyplanet.example") String website,
            @Schema(example = METADATA) Map<String, String> metadata,
            @Schema(example = "2026-05-04T09:30:00Z") Instant createdAt,
            @Schema(example = "2026-05-04T09:30:00Z") Instant updatedAt) {
        static OrganizationResource of(Organization o) {
            return new OrganizationResource(o.id(), "organization", o.profile().name(), o.profile().industry(),
                    o.profile().website(), o.profile().metadata(), o.createdAt(), o.updatedAt());
        }
    }

    private static final String METADATA = "{\"crm_id\": \"A-1093\"}";

    private final OrganizationService service;

    OrganizationController(OrganizationService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(operationId = "createOrganization", summary = "Create an organization",
            description = "Emits organization.created.")
    @ApiResponse(responseCode = "201", description = "The organization, created; `Location` is its URL")
    Mono<ResponseEntity<OrganizationResource>> create(Caller caller, @RequestBody CreateOrganization body) {
        return service.create(caller, new OrganizationProfile(body.name(), body.industry(), body.website(),
                        body.metadata()))
                .map(o -> ResponseEntity.created(URI.create("/v1/organizations/" + o.id()))
                        .body(OrganizationResource.of(o)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveOrganization", summary = "Retrieve an organization")
    @ApiResponse(responseCode = "200", description = "The organization")
    Mono<OrganizationResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> service.get(caller, id))).map(OrganizationResource::of);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateOrganization", summary = "Update an organization",
            description = "JSON merge patch. Emits organization.updated.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @Content(schema = @Schema(implementation = UpdateOrganization.class)))
    @ApiResponse(responseCode = "200", description = "The organization, updated")
    Mono<OrganizationResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        Patch patch = Patch.of(body, OrganizationProfile.FIELDS);
        return knownId(id).then(Mono.defer(() -> service.update(caller, id, profile -> {
            OrganizationProfile changed = profile;
            for (String field : OrganizationProfile.FIELDS) {
                if (patch.has(field)) {
                    changed = field.equals("metadata") ? changed.withMetadata(patch.stringMap(field))
                            : changed.with(field, patch.text(field));
                }
            }
            patch.throwIfInvalid();
            return changed;
        }))).map(OrganizationResource::of);
    }

    @GetMapping
    @Operation(operationId = "listOrganizations", summary = "List organizations",
            description = "Newest first; cursor pagination.")
    @ApiResponse(responseCode = "200", description = "A page of organizations")
    Mono<ListResponse<OrganizationResource>> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return service.list(caller, PageRequest.of(limit, startingAfter)).map(p -> p.map(OrganizationResource::of));
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Organization.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("organization", id));
    }
}
