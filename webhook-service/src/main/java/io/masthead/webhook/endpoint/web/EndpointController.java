package io.masthead.webhook.endpoint.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.idempotency.SensitiveResponse;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.Patch;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.delivery.application.DeliveryService;
import io.masthead.webhook.endpoint.application.EndpointService;
import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EndpointSpec;
import io.masthead.webhook.endpoint.web.EndpointJson.CreateEndpoint;
import io.masthead.webhook.endpoint.web.EndpointJson.CreatedEndpoint;
import io.masthead.webhook.endpoint.web.EndpointJson.Deleted;
import io.masthead.webhook.endpoint.web.EndpointJson.EndpointResource;
import io.masthead.webhook.endpoint.web.EndpointJson.Recover;
import io.masthead.webhook.endpoint.web.EndpointJson.RecoveryResource;
import io.masthead.webhook.endpoint.web.EndpointJson.RotateSecret;
import io.masthead.webhook.endpoint.web.EndpointJson.RotatedSecret;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/v1/webhook_endpoints")
@Tag(name = "Webhook endpoints", description = "URLs that receive the site's events, signed (Standard Webhooks)")
class EndpointController {

    private final EndpointService endpoints;
    private final DeliveryService deliveries;

    EndpointController(EndpointService endpoints, DeliveryService deliveries) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
    }

    @PostMapping
    @SensitiveResponse // the signing secret: an idempotent replay's stored copy is encrypted at rest
    @Operation(operationId = "createWebhookEndpoint", summary = "Create a webhook endpoint",
            description = "The response carries the signing secret (whsec_...), shown this once.")
    @ApiResponse(responseCode = "201", description = "The endpoint, created, with its signing secret; `Location` is its URL")
    Mono<ResponseEntity<CreatedEndpoint>> create(Caller caller, @RequestBody CreateEndpoint body) {
        return endpoints.create(caller, body.toSpec()).map(created -> ResponseEntity
                .created(URI.create("/v1/webhook_endpoints/" + created.endpoint().id()))
                .body(CreatedEndpoint.of(created.endpoint(), created.secret())));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveWebhookEndpoint", summary = "Retrieve a webhook endpoint")
    @ApiResponse(responseCode = "200", description = "The endpoint")
    Mono<EndpointResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> endpoints.get(caller, id))).map(EndpointResource::of);
    }

    @GetMapping
    @Operation(operationId = "listWebhookEndpoints", summary = "List webhook endpoints",
            description = "Newest first; optionally by status (enabled, disabled).")
    @ApiResponse(responseCode = "200", description = "A page of endpoints")
    Mono<ListResponse<EndpointResource>> list(Caller caller, @RequestParam(required = false) String status,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return endpoints.list(caller, status, PageRequest.of(limit, startingAfter))
                .map(page -> page.map(EndpointResource::of));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateWebhookEndpoint", summary = "Update a webhook endpoint",
            description = "JSON merge patch of url, enabled_events, description, metadata, ordered.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The fields to change", required = true,
            content = @io.swagger.v3.oas.annotations.media.Content(schema = @io.swagger.v3.oas.annotations.media.Schema(
                    implementation = EndpointJson.UpdateEndpoint.class)))
    @ApiResponse(responseCode = "200", description = "The endpoint, updated")
    Mono<EndpointResource> update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        Patch patch = Patch.of(body, EndpointSpec.FIELDS);
        return knownId(id).then(Mono.defer(() -> endpoints.update(caller, id, spec -> apply(patch, body, spec))))
                .map(EndpointResource::of);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteWebhookEndpoint", summary = "Delete a webhook endpoint",
            description = "With its secrets, deliveries and attempts.")
    @ApiResponse(responseCode = "200", description = "The endpoint's id, marked deleted")
    Mono<Deleted> delete(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> endpoints.delete(caller, id)))
                .thenReturn(new Deleted(id, EndpointJson.OBJECT, true));
    }

    @PostMapping("/{id}/disable")
    @Operation(operationId = "disableWebhookEndpoint", summary = "Disable a webhook endpoint",
            description = "Its pending deliveries fail; recover them later. Disabling a disabled endpoint changes nothing.")
    @ApiResponse(responseCode = "200", description = "The endpoint, disabled")
    Mono<EndpointResource> disable(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> endpoints.disable(caller, id))).map(EndpointResource::of);
    }

    @PostMapping("/{id}/enable")
    @Operation(operationId = "enableWebhookEndpoint", summary = "Enable a webhook endpoint",
            description = "Enabling an enabled endpoint changes nothing.")
    @ApiResponse(responseCode = "200", description = "The endpoint, enabled")
    Mono<EndpointResource> enable(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> endpoints.enable(caller, id))).map(EndpointResource::of);
    }

    @PostMapping("/{id}/rotate_secret")
    @SensitiveResponse
    @ApiResponse(responseCode = "200", description = "The new secret, shown this once")
    @Operation(operationId = "rotateWebhookEndpointSecret", summary = "Rotate the signing secret",
            description = "A new secret signs at once; the previous ones keep signing beside it for grace_period_seconds "
                    + "(default 24 h, at most 7 days).")
    Mono<RotatedSecret> rotateSecret(Caller caller, @PathVariable String id,
            @RequestBody(required = false) RotateSecret body) {
        Duration grace = body == null || body.gracePeriodSeconds() == null ? null
                : Duration.ofSeconds(body.gracePeriodSeconds());
        return knownId(id).then(Mono.defer(() -> endpoints.rotateSecret(caller, id, grace)))
                .map(r -> new RotatedSecret("webhook_endpoint_secret", r.endpoint().id(), r.secret(),
                        r.previousExpireAt()));
    }

    @PostMapping("/{id}/ping")
    @Operation(operationId = "pingWebhookEndpoint", summary = "Send a test event",
            description = "A ping event, delivered to this endpoint like any other.")
    @ApiResponse(responseCode = "202", description = "The delivery of the ping, queued",
            content = @io.swagger.v3.oas.annotations.media.Content(schema = @io.swagger.v3.oas.annotations.media.Schema(
                    implementation = io.masthead.webhook.delivery.web.DeliveryJson.DeliveryResource.class)))
    @ApiResponse(responseCode = "409", description = "The endpoint is disabled: enable it first")
    Mono<ResponseEntity<io.masthead.webhook.delivery.web.DeliveryJson.DeliveryResource>> ping(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> endpoints.ping(caller, id)))
                .flatMap(deliveryId -> deliveries.get(caller, deliveryId))
                .map(d -> ResponseEntity.accepted().body(io.masthead.webhook.delivery.web.DeliveryJson.resource(d)));
    }

    @PostMapping("/{id}/recover")
    @ApiResponse(responseCode = "200", description = "How many deliveries were queued again")
    @ApiResponse(responseCode = "409", description = "The endpoint is disabled: enable it first")
    @Operation(operationId = "recoverWebhookEndpointDeliveries", summary = "Recover failed deliveries",
            description = "Queues again every failed delivery of this endpoint created at or after 'since'.")
    Mono<RecoveryResource> recover(Caller caller, @PathVariable String id, @RequestBody Recover body) {
        return knownId(id).then(Mono.defer(() -> deliveries.recover(caller, id, body.since())))
                .map(r -> new RecoveryResource("webhook_recovery", r.endpointId(), r.since(), r.requeued()));
    }

    private static EndpointSpec apply(Patch patch, JsonNode body, EndpointSpec spec) {
        Violations violations = new Violations();
        String url = patch.has("url") ? patch.text("url") : spec.url();
        String description = patch.has("description") ? patch.text("description") : spec.description();
        var metadata = patch.has("metadata") ? patch.stringMap("metadata") : spec.metadata();
        List<String> events = spec.enabledEvents();
        if (patch.has("enabled_events")) {
            JsonNode node = body.get("enabled_events");
            events = new ArrayList<>();
            if (node.isNull()) {
                events = List.of();
            } else if (!node.isArray()) {
                violations.add("enabled_events", "must be an array of strings");
            } else {
                for (JsonNode item : node) {
                    if (!item.isString()) {
                        violations.add("enabled_events", "must be an array of strings");
                        break;
                    }
                    events.add(item.asString());
                }
            }
        }
        boolean ordered = spec.ordered();
        if (patch.has("ordered")) {
            JsonNode node = body.get("ordered");
            if (node.isBoolean()) {
                ordered = node.asBoolean();
            } else {
                violations.add("ordered", "must be true or false");
            }
        }
        patch.throwIfInvalid();
        violations.throwIfAny();
        return new EndpointSpec(url, events, description, metadata, ordered);
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Endpoint.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("webhook endpoint", id));
    }
}
