package io.masthead.webhook.event.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.event.application.EventQueries;
import io.masthead.webhook.event.model.WebhookEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Events")
class EventController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EventQueries events;

    EventController(EventQueries events) {
        this.events = events;
    }

    @GetMapping("/{id}")
    @Operation(summary = "Retrieve an event", description = "The event exactly as its webhooks carry it, with \"object\": \"event\".")
    Mono<JsonNode> get(Caller caller, @PathVariable String id) {
        return (Ids.looksLike(WebhookEvent.ID_PREFIX, id) ? Mono.<Void>empty()
                : Mono.<Void>error(ProblemException.notFound("event", id)))
                .then(Mono.defer(() -> events.get(caller, id))).map(EventController::json);
    }

    @GetMapping
    @Operation(summary = "List events", description = "Newest first, optionally of one type; cursor pagination.")
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
