package io.masthead.webhook.delivery.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.delivery.application.DeliveryService;
import io.masthead.webhook.delivery.model.Delivery;
import io.masthead.webhook.delivery.web.DeliveryJson.AttemptResource;
import io.masthead.webhook.delivery.web.DeliveryJson.DeliveryResource;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Webhook deliveries", description = "Each event's delivery to each endpoint, and its attempts")
class DeliveryController {

    private final DeliveryService deliveries;

    DeliveryController(DeliveryService deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping("/v1/webhook_deliveries")
    @ApiResponse(responseCode = "200", description = "A page of deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "List deliveries", description = "Newest first; by endpoint_id, event_id and status "
            + "(pending, succeeded, failed).")
    Mono<ListResponse<DeliveryResource>> list(Caller caller,
            @RequestParam(name = "endpoint_id", required = false) String endpointId,
            @RequestParam(name = "event_id", required = false) String eventId,
            @RequestParam(required = false) String status, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return deliveries.list(caller, endpointId, eventId, status, PageRequest.of(limit, startingAfter))
                .map(page -> page.map(DeliveryJson::resource));
    }

    @GetMapping("/v1/webhook_deliveries/{id}")
    @Operation(operationId = "retrieveWebhookDelivery", summary = "Retrieve a delivery")
    @ApiResponse(responseCode = "200", description = "The delivery")
    Mono<DeliveryResource> get(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> deliveries.get(caller, id))).map(DeliveryJson::resource);
    }

    @GetMapping("/v1/webhook_deliveries/{id}/attempts")
    @Operation(operationId = "listWebhookDeliveryAttempts", summary = "List a delivery's attempts",
            description = "Newest first.")
    @ApiResponse(responseCode = "200", description = "A page of the delivery's attempts")
    Mono<ListResponse<AttemptResource>> attemptsOf(Caller caller, @PathVariable String id,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return knownId(id).then(Mono.defer(() -> deliveries.get(caller, id)))
                .then(Mono.defer(() -> deliveries.attempts(caller, id, null, null, null,
                        PageRequest.of(limit, startingAfter))))
                .map(page -> page.map(DeliveryJson::resource));
    }

    @PostMapping("/v1/webhook_deliveries/{id}/resend")
    @ApiResponse(responseCode = "202", description = "The delivery, queued again")
    @ApiResponse(responseCode = "409", description = "The delivery is already pending, or its endpoint is disabled")
    @Operation(operationId = "resendWebhookDelivery", summary = "Resend a delivery",
            description = "Queues a succeeded or failed delivery again: same payload, same webhook-id, fresh retries.")
    Mono<ResponseEntity<DeliveryResource>> resend(Caller caller, @PathVariable String id) {
        return knownId(id).then(Mono.defer(() -> deliveries.resend(caller, id)))
                .map(d -> ResponseEntity.accepted().body(DeliveryJson.resource(d)));
    }

    @GetMapping("/v1/webhook_attempts")
    @ApiResponse(responseCode = "200", description = "A page of attempts")
    @Operation(operationId = "listWebhookAttempts", summary = "List attempts", description = "Newest first; by delivery_id, endpoint_id, event_id and "
            + "status (succeeded, failed).")
    Mono<ListResponse<AttemptResource>> attempts(Caller caller,
            @RequestParam(name = "delivery_id", required = false) String deliveryId,
            @RequestParam(name = "endpoint_id", required = false) String endpointId,
            @RequestParam(name = "event_id", required = false) String eventId,
            @RequestParam(required = false) String status, @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return deliveries.attempts(caller, deliveryId, endpointId, eventId, status, PageRequest.of(limit, startingAfter))
                .map(page -> page.map(DeliveryJson::resource));
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Delivery.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("webhook delivery", id));
    }
}
