package io.masthead.webhook.event.application;

import io.masthead.platform.id.Ids;
import io.masthead.platform.inbox.Inbox;
import io.masthead.webhook.delivery.application.DeliveryQueue;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.model.Delivery;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository.MatchedEndpoint;
import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EventSelection;
import io.masthead.webhook.event.infrastructure.EventPayloads;
import io.masthead.webhook.event.infrastructure.EventRepository;
import io.masthead.webhook.event.model.WebhookEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Turns a domain event into webhook work: in one transaction with the inbox record, the event (its payload
 * built once) and one pending delivery per enabled endpoint of its site that asked for its type. A duplicate
 * of an event already taken in changes nothing.
 */
@Service
public class EventIntake {

    /** The inbox consumer name of the fan-out. */
    public static final String CONSUMER = "webhook-service";

    private final Inbox inbox;
    private final EventRepository events;
    private final EndpointRepository endpoints;
    private final DeliveryRepository deliveries;
    private final DeliveryQueue queue;
    private final TransactionalOperator transaction;
    private final Clock clock;

    public EventIntake(Inbox inbox, EventRepository events, EndpointRepository endpoints, DeliveryRepository deliveries,
            DeliveryQueue queue, TransactionalOperator transaction, Clock clock) {
        this.inbox = inbox;
        this.events = events;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.queue = queue;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * A domain event as consumed.
     *
     * @param sourceEventId the event's own id (the inbox key)
     * @param orderingKey the Kafka key: events of one key reach ordered endpoints in order
     * @param payload the webhook JSON, given the public event id
     */
    public record IncomingEvent(UUID sourceEventId, String type, String siteId, Instant occurredAt, String orderingKey,
            Function<String, String> payload) {
    }

    /** @return true when taken in now, false for a duplicate */
    public Mono<Boolean> accept(IncomingEvent incoming) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            String id = Ids.next(WebhookEvent.ID_PREFIX, clock);
            WebhookEvent event = new WebhookEvent(id, incoming.sourceEventId(), incoming.siteId(), incoming.type(),
                    incoming.orderingKey(), incoming.payload().apply(id), incoming.occurredAt(), now);
            Mono<Long> effects = events.insert(event)
                    .then(endpoints.enabledMatching(event.siteId(), EventSelection.patternsMatching(event.type()))
                            .map(MatchedEndpoint::id).collectList())
                    .flatMap(matched -> deliveries.insertForEvent(event.siteId(), id, event.type(), event.orderingKey(),
                            matched.stream().map(m -> Ids.next(Delivery.ID_PREFIX, clock)).toList(), matched, now));
            return inbox.process(CONSUMER, incoming.sourceEventId(), effects)
                    .doOnNext(applied -> {
                        if (applied) {
                            queue.wake();
                        }
                    });
        });
    }

    /** A {@code ping} event delivered to this one endpoint, like any other event; returns the delivery id. */
    public Mono<String> ping(Endpoint endpoint) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            String id = Ids.next(WebhookEvent.ID_PREFIX, clock);
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("id", endpoint.id());
            object.put("object", "webhook_endpoint");
            object.put("url", endpoint.spec().url());
            String payload = EventPayloads.envelope(id, WebhookEvent.PING, now, endpoint.siteId(),
                    Map.of("object", object));
            WebhookEvent event = new WebhookEvent(id, UUID.randomUUID(), endpoint.siteId(), WebhookEvent.PING, null,
                    payload, now, now);
            String deliveryId = Ids.next(Delivery.ID_PREFIX, clock);
            Mono<String> work = events.insert(event)
                    .then(deliveries.insertForEvent(endpoint.siteId(), id, WebhookEvent.PING, null, List.of(deliveryId),
                            List.of(endpoint.id()), now))
                    .thenReturn(deliveryId);
            return transaction.transactional(work).doOnNext(d -> queue.wake());
        });
    }
}
