package io.masthead.subscription.entitlement.application;

import io.masthead.events.EventHeader;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.inbox.Inbox;
import io.masthead.platform.outbox.Outbox;
import io.masthead.subscription.entitlement.infrastructure.EntitlementEvents;
import io.masthead.subscription.entitlement.infrastructure.EntitlementRepository;
import io.masthead.subscription.entitlement.model.ChangeReason;
import io.masthead.subscription.entitlement.model.EntitlementChange;
import io.masthead.subscription.entitlement.model.EntitlementSet;
import io.masthead.subscription.entitlement.model.EntitlementSource;
import io.masthead.subscription.entitlement.model.EventPosition;
import io.masthead.subscription.entitlement.model.HeldSubscription;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps every customer's entitlement set in step with the subscription events of {@code subscriptions.v1}, one event
 * at a time and each with its own effect. The sync keeps its own view of every subscription
 * ({@code entitlement_subscriptions}: holder, plan, status), fed only by the events' snapshots: an event updates its
 * subscription there (unless an event after it was applied already: a replay of an older one changes nothing), then
 * the holder's set is computed from that view, with the plans' entitlements now and the site's free tier, compared
 * with the set stored last and, only when they differ, stored and told with {@code entitlements.updated} at the
 * event's {@code occurred_at}, naming the event as its cause and carrying its correlation id; all in the transaction
 * that records the event in the inbox. So two changes made faster than the consumer takes them in (a pause and a
 * resume, a creation and a cancellation) are each told, in their order, and never merged.
 *
 * <p>Order: the events of one subscription share its key (the payer), so they are taken in in their order. Every
 * computation of a customer locks the customer's row of stored sets first (inserted when missing, so there always is
 * one): the stored sets of a customer form one chain (each event's {@code previous} is the set of the one before)
 * and the outbox order of the customer's {@code entitlements.updated} is their commit order.
 */
@Service
public class EntitlementSync {

    /** The inbox consumer name of the entitlement sync. */
    public static final String CONSUMER = "subscription-service.entitlements";

    private final Inbox inbox;
    private final EntitlementRepository repository;
    private final Entitlements entitlements;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final DueWork dueWork;

    public EntitlementSync(Inbox inbox, EntitlementRepository repository, Entitlements entitlements, Outbox outbox,
            EventHeaderFactory headers, DueWork dueWork) {
        this.inbox = inbox;
        this.repository = repository;
        this.entitlements = entitlements;
        this.outbox = outbox;
        this.headers = headers;
        this.dueWork = dueWork;
    }

    /** What caused a computation: the reason, and the event if there is one (with its correlation id, if any). */
    public record Cause(ChangeReason reason, String eventId, String eventType, String correlationId) {

        public static Cause of(ChangeReason reason, EventHeader header) {
            return new Cause(reason, header.getEventId(), header.getEventType(), header.getCorrelationId());
        }
    }

    /**
     * An event of a subscription, as its snapshot tells it: applied to the sync's view of the subscription unless an
     * event at or after {@code position} was applied already, then its holder's set computed again (and a former
     * holder's, were the holder to change).
     *
     * @return true when taken in now (applied, or found older than what was applied), false for an event this
     *         consumer had already taken in
     */
    public Mono<Boolean> onSubscriptionEvent(UUID eventId, EventHeader header, HeldSubscription subscription,
            EventPosition position) {
        String site = header.getSiteId();
        boolean livemode = header.getLivemode();
        Cause cause = Cause.of(ChangeReason.SUBSCRIPTION_CHANGED, header);
        Instant at = header.getOccurredAt();
        return inbox.process(CONSUMER, eventId, header, Mono.defer(() -> repository.heldForUpdate(site,
                        subscription.subscriptionId())
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(applied -> {
                    if (applied.isPresent() && !position.isAfter(applied.get().position())) {
                        return Mono.empty(); // an older event, or this one again under another id
                    }
                    TreeSet<String> holders = new TreeSet<>();
                    holders.add(subscription.holderId());
                    applied.ifPresent(a -> holders.add(a.subscription().holderId()));
                    // every holder locked first, in id order, then the view changed, then each one computed
                    return Flux.fromIterable(holders)
                            .concatMap(holder -> repository.lockStored(site, livemode, holder, at))
                            .then(repository.saveHeld(site, livemode, subscription, header.getEventId(), position))
                            .thenMany(Flux.fromIterable(holders)
                                    .concatMap(holder -> recompute(site, livemode, holder, at, cause)))
                            .then();
                })));
    }

    /**
     * A plan whose entitlements changed: every customer holding a granting subscription of it is computed again, in
     * batches, as due work ({@link EntitlementResync}) scheduled in the inbox's transaction.
     */
    public Mono<Boolean> onPlanEntitlementsChanged(UUID eventId, EventHeader header, String planId) {
        String site = header.getSiteId();
        boolean livemode = header.getLivemode();
        return inbox.process(CONSUMER, eventId, header, Mono.defer(() -> dueWork.schedule(site, livemode,
                EntitlementResync.KIND, EntitlementResync.planKey(planId), header.getOccurredAt(),
                EntitlementResync.payload(new EntitlementResync.Progress(null, header.getEventId(),
                        header.getEventType(), header.getCorrelationId())))));
    }

    /**
     * Computes the customer's set again from the sync's view of the subscriptions and, when it differs from the one
     * stored, stores it and appends its {@code entitlements.updated} at {@code at}; inside the caller's transaction.
     *
     * @return the change, or empty when there was none to tell
     */
    Mono<Optional<EntitlementChange>> recompute(String siteId, boolean livemode, String customerId, Instant at,
            Cause cause) {
        return repository.lockStored(siteId, livemode, customerId, at)
                .flatMap(stored -> entitlements.held(siteId, customerId)
                        .flatMap(after -> before(siteId, customerId, stored, after)
                                .flatMap(before -> apply(siteId, livemode, stored.isPresent(), before, after, at,
                                        cause))));
    }

    /**
     * The set before: the one stored, or for a customer never computed what the API answered for it until now (the
     * free tier), so a first subscription that grants something is told as the change from the free tier.
     */
    private Mono<EntitlementSet> before(String siteId, String customerId, Optional<EntitlementSet> stored,
            EntitlementSet after) {
        if (stored.isPresent()) {
            return Mono.just(stored.get());
        }
        if (after.source() == EntitlementSource.FREE_TIER) {
            return Mono.just(after);
        }
        return entitlements.freeTier(siteId, true).map(freeTier -> EntitlementSet.freeTier(customerId, freeTier));
    }

    private Mono<Optional<EntitlementChange>> apply(String siteId, boolean livemode, boolean wasStored,
            EntitlementSet before, EntitlementSet after, Instant at, Cause cause) {
        Optional<EntitlementChange> change = EntitlementChange.between(before, after);
        if (change.isEmpty()) {
            // a customer seen for the first time is stored even without a change: a later free-tier change finds it
            return wasStored ? Mono.just(change)
                    : repository.store(siteId, livemode, after, at).thenReturn(change);
        }
        return repository.store(siteId, livemode, after, at)
                .then(headers.header(EntitlementEvents.UPDATED, siteId, livemode, at))
                .map(header -> cause.correlationId() == null ? header
                        : EventHeader.newBuilder(header).setCorrelationId(cause.correlationId()).build())
                .flatMap(header -> outbox.append(EntitlementEvents.updated(header, change.get(), cause.reason(),
                        cause.eventId(), cause.eventType())))
                .thenReturn(change);
    }
}
