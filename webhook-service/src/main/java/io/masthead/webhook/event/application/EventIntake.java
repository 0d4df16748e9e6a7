package io.masthead.webhook.event.application;

import io.masthead.platform.id.Ids;
import io.masthead.webhook.delivery.application.DeliveryQueue;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.model.Delivery;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository.NewDelivery;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository.Subscription;
import io.masthead.webhook.event.infrastructure.BatchInbox;
import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EventSelection;
import io.masthead.webhook.event.infrastructure.EventPayloads;
import io.masthead.webhook.event.infrastructure.EventRepository;
import io.masthead.webhook.event.model.WebhookEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Turns domain events into webhook work: in one transaction with the inbox records, each event (its payload
 * built once) and one pending delivery per enabled endpoint of its site that asked for its type. A duplicate
 * of an event already taken in changes nothing.
 */
@Service
public class EventIntake {

    /** The inbox consumer name of the fan-out. */
    public static final String CONSUMER = "webhook-service";

    private final BatchInbox inbox;
    private final EventRepository events;
    private final EndpointRepository endpoints;
    private final DeliveryRepository deliveries;
    private final DeliveryQueue queue;
    private final TransactionalOperator transaction;
    private final Clock clock;

    public EventIntake(BatchInbox inbox, EventRepository events, EndpointRepository endpoints, DeliveryRepository deliveries,
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
        return acceptAll(List.of(incoming)).map(taken -> taken == 1);
    }

    /**
     * Takes in a batch of events (in their Kafka order) in one transaction: the inbox records every id and
     * says which are new; the new events and one delivery per matching enabled endpoint of their site are
     * inserted with one statement each, deliveries in event order (their sequence is the order of ordered
     * endpoints). Duplicates, in the batch or from before, change nothing.
     *
     * @return how many events were new
     */
    public Mono<Integer> acceptAll(List<IncomingEvent> batch) {
        if (batch.isEmpty()) {
            return Mono.just(0);
        }
        Map<UUID, IncomingEvent> distinct = new LinkedHashMap<>();
        batch.forEach(e -> distinct.putIfAbsent(e.sourceEventId(), e));
        Mono<Integer> work = Mono.defer(() -> inbox.recordNew(CONSUMER, List.copyOf(distinct.keySet()))
                .flatMap(fresh -> {
                    if (fresh.isEmpty()) {
                        return Mono.just(0);
                    }
                    Instant now = clock.instant();
                    List<WebhookEvent> taken = new ArrayList<>();
                    for (IncomingEvent e : distinct.values()) {
                        if (fresh.contains(e.sourceEventId())) {
                            String id = Ids.next(WebhookEvent.ID_PREFIX, clock);
                            taken.add(new WebhookEvent(id, e.sourceEventId(), e.siteId(), e.type(), e.orderingKey(),
                                    e.payload().apply(id), e.occurredAt(), now));
                        }
                    }
                    Set<String> sites = new HashSet<>();
                    taken.forEach(e -> sites.add(e.siteId()));
                    return events.insertAll(taken)
                            .then(endpoints.enabledOf(sites).collectList())
                            .flatMap(subscriptions -> deliveries.insertAll(fanOut(taken, subscriptions), now))
                            .thenReturn(taken.size());
                }));
        return transaction.transactional(work).doOnNext(taken -> {
            if (taken > 0) {
                queue.wake();
            }
        });
    }

    /** One delivery per event and enabled endpoint of its site that asked for its type, in event order. */
    private List<NewDelivery> fanOut(List<WebhookEvent> taken, List<Subscription> subscriptions) {
        Map<String, List<Subscription>> bySite = new HashMap<>();
        subscriptions.forEach(s -> bySite.computeIfAbsent(s.siteId(), k -> new ArrayList<>()).add(s));
        List<NewDelivery> result = new ArrayList<>();
        for (WebhookEvent event : taken) {
            for (Subscription endpoint : bySite.getOrDefault(event.siteId(), List.of())) {
                if (EventSelection.matches(endpoint.enabledEvents(), event.type())) {
                    result.add(new NewDelivery(Ids.next(Delivery.ID_PREFIX, clock), event.siteId(), endpoint.id(),
                            event.id(), event.type(), event.orderingKey()));
                }
            }
        }
        return result;
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
