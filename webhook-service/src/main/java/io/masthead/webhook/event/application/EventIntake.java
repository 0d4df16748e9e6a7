package io.masthead.webhook.event.application;

import io.masthead.events.EventHeader;
import io.masthead.platform.id.Ids;
import io.masthead.platform.inbox.Inbox;
import io.masthead.webhook.delivery.application.DeliveryQueue;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.model.Delivery;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.WebhookProperties;
import io.masthead.webhook.delivery.infrastructure.ClaimedDelivery;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository.NewDelivery;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository.Subscription;
import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EventSelection;
import io.masthead.webhook.event.infrastructure.EventPayloads;
import io.masthead.webhook.event.infrastructure.EventRepository;
import io.masthead.webhook.event.model.WebhookEvent;
import java.time.Clock;
import java.time.Duration;
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

    private final Inbox inbox;
    private final EventRepository events;
    private final EndpointRepository endpoints;
    private final DeliveryRepository deliveries;
    private final DeliveryQueue queue;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final Duration lease;

    public EventIntake(Inbox inbox, EventRepository events, EndpointRepository endpoints, DeliveryRepository deliveries,
            DeliveryQueue queue, TransactionalOperator transaction, Clock clock, WebhookProperties properties) {
        this.lease = properties.lease();
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
     * @param header the event's header: a test-mode site's event taken in counts as the site's activity for its test
     *               clock (docs/test-clocks.md), so a clock step waits for the webhook intake too
     */
    public record IncomingEvent(UUID sourceEventId, String type, String siteId, Instant occurredAt, String orderingKey,
            Function<String, String> payload, EventHeader header) {
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
        Map<UUID, EventHeader> headers = new LinkedHashMap<>();
        distinct.forEach((id, e) -> headers.put(id, e.header()));
        FanOut fanOut = new FanOut();
        // the inbox's transaction emits only once the commit completed: hand-offs and wake-ups never run ahead of
        // the rows they concern; the events of test-mode sites taken in count as those sites' clock activity
        return inbox.processAll(CONSUMER, headers, fresh -> {
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
                            .then(endpoints.enabledOf(sites, now).collectList())
                            .flatMap(subscriptions -> deliveries.insertAll(fanOut.plan(taken, subscriptions, now), now))
                            .doOnNext(fanOut::created)
                            .thenReturn(taken.size());
                })
                .doOnNext(taken -> {
                    fanOut.handOff();
                    if (fanOut.leftDue()) {
                        queue.wake();
                    }
                })
                .doOnError(error -> fanOut.abandon())
                .doOnCancel(fanOut::abandon);
    }

    /**
     * One delivery per event and enabled endpoint of its site that asked for its type, in event order. Where
     * this instance's worker has a place for it (to start now, or queued in memory behind the endpoint's
     * attempts in flight) and the endpoint is not ordered (whose deliveries must wait for their predecessors),
     * the delivery is created already leased and handed to the worker after the commit: no claim query, one row
     * update less. The others are created due now, for the worker's claims.
     */
    private final class FanOut {
        private final Map<String, ClaimedDelivery> handOffs = new LinkedHashMap<>();
        private Set<String> created = Set.of();
        private boolean settled;

        List<NewDelivery> plan(List<WebhookEvent> taken, List<Subscription> subscriptions, Instant now) {
            Map<String, List<Subscription>> bySite = new HashMap<>();
            subscriptions.forEach(s -> bySite.computeIfAbsent(s.siteId(), k -> new ArrayList<>()).add(s));
            Instant leased = now.plus(lease);
            List<NewDelivery> result = new ArrayList<>();
            for (WebhookEvent event : taken) {
                for (Subscription endpoint : bySite.getOrDefault(event.siteId(), List.of())) {
                    if (!EventSelection.matches(endpoint.enabledEvents(), event.type())) {
                        continue;
                    }
                    String id = Ids.next(Delivery.ID_PREFIX, clock);
                    boolean direct = !endpoint.ordered() && !endpoint.secrets().isEmpty()
                            && queue.reserve(endpoint.id());
                    UUID leaseToken = UUID.randomUUID();
                    if (direct) {
                        handOffs.put(id, new ClaimedDelivery(id, event.siteId(), endpoint.id(), event.id(),
                                event.type(), 0, 0, endpoint.url(), event.payload(), event.occurredAt(),
                                endpoint.secrets(), false, leased, leaseToken));
                    }
                    result.add(new NewDelivery(id, event.siteId(), endpoint.id(), event.id(), event.type(),
                            event.orderingKey(), direct ? leased : now, direct ? leaseToken : null));
                }
            }
            return result;
        }

        void created(Set<String> ids) {
            created = ids;
        }

        /** Whether deliveries were created due now, for the worker's claims (not all could be handed over). */
        boolean leftDue() {
            return created.stream().anyMatch(id -> !handOffs.containsKey(id));
        }

        /** After the commit: start what was created leased; give back the places of the rest. */
        void handOff() {
            if (settled) {
                return;
            }
            settled = true;
            List<ClaimedDelivery> start = new ArrayList<>();
            List<String> unused = new ArrayList<>();
            handOffs.forEach((id, delivery) -> {
                if (created.contains(id)) {
                    start.add(delivery);
                } else {
                    unused.add(delivery.endpointId());
                }
            });
            queue.release(unused);
            queue.handOff(start);
        }

        /** Nothing was committed: give back every place. */
        void abandon() {
            if (settled) {
                return;
            }
            settled = true;
            queue.release(handOffs.values().stream().map(ClaimedDelivery::endpointId).toList());
        }
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
