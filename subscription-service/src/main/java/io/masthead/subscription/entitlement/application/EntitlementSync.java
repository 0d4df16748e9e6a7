package io.masthead.subscription.entitlement.application;

import io.masthead.events.EventHeader;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.inbox.Inbox;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.time.SiteTime;
import io.masthead.subscription.entitlement.infrastructure.EntitlementEvents;
import io.masthead.subscription.entitlement.infrastructure.EntitlementRepository;
import io.masthead.subscription.entitlement.model.ChangeReason;
import io.masthead.subscription.entitlement.model.EntitlementChange;
import io.masthead.subscription.entitlement.model.EntitlementSet;
import io.masthead.subscription.entitlement.model.EntitlementSource;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps every customer's entitlement set in step with the subscriptions: for each event of {@code subscriptions.v1}
 * that concerns a customer's subscriptions, the set is computed again from the tables (not from the event, so an old
 * or replayed event gives today's answer), compared with the set stored last, and only when they differ stored and
 * told with {@code entitlements.updated}, in the transaction that records the event in the inbox. An event applied
 * twice is skipped by the inbox; one applied again under another id finds the set unchanged and tells nothing.
 *
 * <p>Order per customer: every computation locks the customer's row of the customer view first, the row every write
 * of the customer's subscriptions locks (the key of their events and of these; a customer without one locks nothing
 * there), then the customer's row of stored sets, inserted first when missing so there always is one to lock: so the
 * stored sets of a customer form one chain (each event's {@code previous} is the one before's set), and the outbox
 * order of the customer's events is their commit order.
 */
@Service
public class EntitlementSync {

    /** The inbox consumer name of the entitlement sync. */
    public static final String CONSUMER = "subscription-service.entitlements";
    /** The customer's row every write of its subscriptions locks (the events' key). */
    static final AggregateLock.Table CUSTOMER = AggregateLock.table("customer_view");

    private final Inbox inbox;
    private final EntitlementRepository repository;
    private final Entitlements entitlements;
    private final AggregateLock locks;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final SiteTime siteTime;
    private final DueWork dueWork;

    public EntitlementSync(Inbox inbox, EntitlementRepository repository, Entitlements entitlements,
            AggregateLock locks, Outbox outbox, EventHeaderFactory headers, SiteTime siteTime, DueWork dueWork) {
        this.inbox = inbox;
        this.repository = repository;
        this.entitlements = entitlements;
        this.locks = locks;
        this.outbox = outbox;
        this.headers = headers;
        this.siteTime = siteTime;
        this.dueWork = dueWork;
    }

    /** What caused a computation: the reason, and the event if there is one. */
    public record Cause(ChangeReason reason, String eventId, String eventType) {

        public static Cause of(ChangeReason reason, EventHeader header) {
            return new Cause(reason, header.getEventId(), header.getEventType());
        }
    }

    /**
     * A subscription event of the customers {@code customers} (the payer, and the recipient of a gift): each one's set
     * computed again, in customer id order (two computations locking the same two customers lock them in one order).
     *
     * @return true when applied now, false for an event this consumer had already applied
     */
    public Mono<Boolean> onSubscriptionEvent(UUID eventId, EventHeader header, Collection<String> customers) {
        String site = header.getSiteId();
        boolean livemode = header.getLivemode();
        Cause cause = Cause.of(ChangeReason.SUBSCRIPTION_CHANGED, header);
        return inbox.process(CONSUMER, eventId, header, Mono.defer(() -> siteTime.now(site, livemode)
                .flatMapMany(now -> Flux.fromIterable(new TreeSet<>(customers))
                        .concatMap(customer -> recompute(site, livemode, customer, now, cause)))
                .then()));
    }

    /**
     * A plan whose entitlements changed: every customer holding a granting subscription of it is computed again, in
     * batches, as due work ({@link EntitlementResync}) scheduled in the inbox's transaction.
     */
    public Mono<Boolean> onPlanEntitlementsChanged(UUID eventId, EventHeader header, String planId) {
        String site = header.getSiteId();
        boolean livemode = header.getLivemode();
        return inbox.process(CONSUMER, eventId, header, Mono.defer(() -> siteTime.now(site, livemode)
                .flatMap(now -> dueWork.schedule(site, livemode, EntitlementResync.KIND,
                        EntitlementResync.planKey(planId), now,
                        EntitlementResync.payload(new EntitlementResync.Progress(null, header.getEventId(),
                                header.getEventType()))))));
    }

    /**
     * Computes the customer's set again and, when it differs from the one stored, stores it and appends its
     * {@code entitlements.updated}; inside the caller's transaction.
     *
     * @return the change, or empty when there was none to tell
     */
    Mono<Optional<EntitlementChange>> recompute(String siteId, boolean livemode, String customerId, Instant now,
            Cause cause) {
        return locks.lock(CUSTOMER, siteId, customerId)
                .then(repository.lockStored(siteId, livemode, customerId, now))
                .flatMap(stored -> entitlements.current(siteId, customerId, true)
                        .flatMap(after -> before(siteId, customerId, stored, after)
                                .flatMap(before -> apply(siteId, livemode, stored.isPresent(), before, after, now,
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
            EntitlementSet before, EntitlementSet after, Instant now, Cause cause) {
        Optional<EntitlementChange> change = EntitlementChange.between(before, after);
        if (change.isEmpty()) {
            // a customer seen for the first time is stored even without a change: a later free-tier change finds it
            return wasStored ? Mono.just(change)
                    : repository.store(siteId, livemode, after, now).thenReturn(change);
        }
        return repository.store(siteId, livemode, after, now)
                .then(headers.header(EntitlementEvents.UPDATED, siteId, livemode, now))
                .flatMap(header -> outbox.append(EntitlementEvents.updated(header, change.get(), cause.reason(),
                        cause.eventId(), cause.eventType())))
                .thenReturn(change);
    }
}
