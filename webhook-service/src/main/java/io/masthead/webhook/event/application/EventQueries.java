package io.masthead.webhook.event.application;

import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.event.infrastructure.EventRepository;
import io.masthead.webhook.event.model.WebhookEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The events a site received, as sent to its endpoints. */
@Service
public class EventQueries {

    private final EventRepository events;

    public EventQueries(EventRepository events) {
        this.events = events;
    }

    public Mono<WebhookEvent> get(Caller caller, String id) {
        caller.requireAdmin();
        return events.find(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("event", id)));
    }

    public Mono<ListResponse<WebhookEvent>> list(Caller caller, String type, PageRequest page) {
        caller.requireAdmin();
        return events.list(caller.siteId(), type, page).collectList()
                .map(rows -> ListResponse.of(rows, page, WebhookEvent::id));
    }
}
