package io.masthead.webhook.event.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.event.application.EventQueries;
import io.masthead.webhook.event.model.WebhookEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@RestController
@RequestMapping("/v1/events")
@Tag(name = "Events", description = "The site's events, as its webhooks carry them")
class EventController {

    /** Documents the JSON of an event (built from its stored webhook payload, see {@link #json}). */
    @Schema(name = "Event", description = "An event: what happened to which object, with the object as it then was")
    record EventDocument(
            @Schema(example = "evt_01jt3z8x9k2m4n6p8q0r2s4t6y") String id,
            @Schema(allowableValues = "event") String object,
            @Schema(example = "customer.created") String type,
            @Schema(example = "2026-05-04T09:30:00Z") java.time.Instant created,
            @Schema(example = "site_01jt3z8x9k2m4n6p8q0r2s4t6v") String siteId,
            @Schema(description = "`object`: the object as of the event (its own `object` names its type), and the "
                    + "event's other fields, such as `changed_fields`",
                    example = "{\"object\": {\"id\": \"cus_01jt3z8x9k2m4n6p8q0r2s4t6v\", \"object\": \"customer\", "
                            + "\"email\": \"perry@dailyplanet.example\"}}")
            Map<String, Object> data) {
    }

    /** Documents a page of events. */
    @Schema(name = "ListResponseEvent")
    record EventPage(java.util.List<EventDocument> data, boolean hasMore, String nextCursor) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EventQueries events;

    EventController(EventQueries events) {
        this.events = events;
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveEvent", summary = "Retrieve an event",
            description = "The event exactly as its webhooks carry it, with \"object\": \"event\".")
    @ApiResponse(responseCode = "200", description = "The event", content = @Content(schema = @Schema(
            implementation = EventDocument.class)))
    Mono<JsonNode> get(Caller caller, @PathVariable String id) {
        return (Ids.looksLike(WebhookEvent.ID_PREFIX, id) ? Mono.<Void>empty()
                : Mono.<Void>error(ProblemException.notFound("event", id)))
                .then(Mono.defer(() -> events.get(caller, id))).map(EventController::json);
    }

    @GetMapping
    @Operation(operationId = "listEvents", summary = "List events",
            description = "Newest first, optionally of one type; cursor pagination.")
    @ApiResponse(responseCode = "200", description = "A page of events", content = @Content(schema = @Schema(
            implementation = EventPage.class)))
    Mono<ListResponse<JsonNode>> list(Caller caller, @RequestParam(required = false) String type,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        return events.list(caller, type, PageRequest.of(limit, startingAfter)).map(page -> page.map(EventController::json));
    }

    static JsonNode json(WebhookEvent event) {
        ObjectNode payload = (ObjectNode) JSON.readTree(event.payload());
        ObjectNode result = JSON.createObjectNode();
        result.put("id", event.id());
        result.put("object", "event");
        payload.properties().forEach(e -> {
            if (!e.getKey().equals("id")) {
                result.set(e.getKey(), e.getValue());
            }
        });
        return result;
    }
}
