package io.masthead.subscription.subscription.application;

import io.masthead.events.EventHeader;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.r2dbc.Conflicts;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.customer.application.CustomerDirectory;
import io.masthead.subscription.plan.application.PlanCatalog;
import io.masthead.subscription.plan.model.PlanInfo;
import io.masthead.subscription.subscription.infrastructure.SubscriptionEvents;
import io.masthead.subscription.subscription.infrastructure.SubscriptionRepository;
import io.masthead.subscription.subscription.model.BillingInterval;
import io.masthead.subscription.subscription.model.GiftRules;
import io.masthead.subscription.subscription.model.Membership;
import io.masthead.subscription.subscription.model.MembershipRules;
import io.masthead.subscription.subscription.model.NewSubscription;
import io.masthead.subscription.subscription.model.PlanTerms;
import io.masthead.subscription.subscription.model.Refund;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionFilter;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Subscription use cases. Every change locks its aggregates (the customer the events are keyed by, then the
 * subscription), writes the change, aligns the due work and appends its events in one transaction. Times are the
 * site's ({@link SiteTime}): simulated for a test-mode site whose clock was moved.
 */
@Service
public class SubscriptionService {

    /** The aggregate the events' key (the customer id) belongs to: every writer of a customer's events locks it. */
    public static final AggregateLock.Table CUSTOMER = AggregateLock.table("customer_view");

    private final SubscriptionRepository subscriptions;
    private final PlanCatalog plans;
    private final CustomerDirectory customers;
    private final SubscriptionLifecycle lifecycle;
    private final Outbox outbox;
    private final AggregateLock locks;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final SiteTime siteTime;
    private final Clock clock;

    public SubscriptionService(SubscriptionRepository subscriptions, PlanCatalog plans, CustomerDirectory customers,
            SubscriptionLifecycle lifecycle, Outbox outbox, AggregateLock locks, EventHeaderFactory headers,
            TransactionalOperator transaction, SiteTime siteTime, Clock clock) {
        this.subscriptions = subscriptions;
        this.plans = plans;
        this.customers = customers;
        this.lifecycle = lifecycle;
        this.outbox = outbox;
        this.locks = locks;
        this.headers = headers;
        this.transaction = transaction;
        this.siteTime = siteTime;
        this.clock = clock;
    }

    public static PlanTerms terms(PlanInfo p) {
        return new PlanTerms(p.id(), p.productId(), p.amount(), p.currency(),
                BillingInterval.parse(p.interval().json()), p.intervalCount(), p.shipmentsPerInterval(),
                p.autoRenew(), p.type().json(), p.trialPeriodDays(), p.productAddressRequired());
    }

    // ---- create -------------------------------------------------------------------------------------------------

    public Mono<Subscription> create(Caller caller, NewSubscription in) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                in.validate(now).throwIfAny();
                return checked(caller, in, now).flatMap(checked -> {
                    Subscription s = in.toSubscription(Ids.next(Subscription.ID_PREFIX, clock), caller.siteId(),
                            caller.livemode(), checked.plan(), checked.membership(), now, null);
                    Mono<Subscription> work = lockCustomer(s)
                            .then(plans.markUsed(caller.siteId(), s.plan().planId()))
                            .then(insertNew(s, now))
                            .then(header(SubscriptionEvents.CREATED, s, now))
                            .flatMap(h -> outbox.append(SubscriptionEvents.created(h, s)))
                            .thenReturn(s);
                    return Conflicts.retrying(transaction.transactional(work)).onErrorMap(Rejections::translate);
                });
            });
        });
    }

    private record Checked(PlanTerms plan, Membership membership) {
    }

    /**
     * Every rule of a new subscription that needs the catalog, the customer view or the database, each failure
     * named by its field; all of them are reported together.
     */
    private Mono<Checked> checked(Caller caller, NewSubscription in, Instant now) {
        List<Violation> found = new ArrayList<>();
        Mono<Optional<PlanTerms>> plan = collect(plans.requireUsable(caller, in.planId()).map(SubscriptionService::terms),
                found);
        Mono<Optional<Object>> customer = collect(customers.requireCustomer(caller, in.customerId(), "customer")
                .map(c -> (Object) c), found);
        Mono<Optional<Object>> recipient = in.giftRecipientId() == null ? Mono.just(Optional.empty())
                : collect(customers.requireCustomer(caller, in.giftRecipientId(), "gift.recipient").map(c -> (Object) c),
                        found);
        String shippingOwner = in.giftRecipientId() != null ? in.giftRecipientId() : in.customerId();
        Mono<Optional<Object>> shipping = in.shippingAddressId() == null ? Mono.just(Optional.empty())
                : collect(customers.requireAddress(caller, shippingOwner, in.shippingAddressId(), "shipping_address")
                        .map(a -> (Object) a), found);
        Mono<Optional<Object>> billing = in.billingAddressId() == null ? Mono.just(Optional.empty())
                : collect(customers.requireAddress(caller, in.customerId(), in.billingAddressId(), "billing_address")
                        .map(a -> (Object) a), found);
        Membership.Type type = in.membershipTypeOrDefault();
        Mono<Optional<MembershipRules.GroupAdmin>> admin = in.membershipGroup() == null ? Mono.just(Optional.empty())
                : subscriptions.findGroupAdmin(caller.siteId(), in.membershipGroup()).map(Optional::of)
                        .defaultIfEmpty(Optional.empty());
        return Mono.zip(plan, customer, recipient, shipping, billing, admin).map(t -> {
            Violations v = new Violations();
            found.forEach(violation -> v.add(violation.field(), violation.message()));
            Membership membership = Membership.REGULAR;
            if (t.getT1().isPresent()) {
                PlanTerms terms = t.getT1().get();
                in.validate(terms, now).list().forEach(violation -> v.add(violation.field(), violation.message()));
                if (in.giftRecipientId() != null) {
                    GiftRules.check(in.customerId(), in.giftRecipientId(), terms.planId(), in.giftPlanId())
                            .ifPresent(r -> v.add(r.field(), r.message()));
                }
                MembershipRules.check(type, in.membershipGroup(), terms, t.getT6())
                        .ifPresent(r -> v.add(r.field(), r.message()));
                membership = type == Membership.Type.REGULAR ? Membership.REGULAR
                        : new Membership(type, in.membershipGroup(),
                                type == Membership.Type.MEMBER ? t.getT6().map(MembershipRules.GroupAdmin::subscriptionId)
                                        .orElse(null) : null);
            }
            v.throwIfAny();
            return new Checked(t.getT1().orElseThrow(), membership);
        });
    }

    private static <T> Mono<Optional<T>> collect(Mono<T> check, List<Violation> found) {
        return check.map(Optional::of)
                .onErrorResume(ValidationException.class, e -> {
                    synchronized (found) {
                        found.addAll(e.violations());
                    }
                    return Mono.just(Optional.empty());
                });
    }

    private Mono<Void> insertNew(Subscription s, Instant now) {
        String kind = s.status() == SubscriptionStatus.TRIALING ? "trial"
                : s.status() == SubscriptionStatus.ACTIVE ? "initial" : null;
        return subscriptions.insert(s)
                .then(kind == null ? Mono.empty() : subscriptions.insertPeriod(s, s.currentPeriod(), kind, now))
                .then(lifecycle.align(s, null, true, true));
    }

    // ---- reads --------------------------------------------------------------------------------------------------

    public Mono<Subscription> get(Caller caller, String id) {
        return Mono.defer(() -> subscriptions.find(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id)))
                .doOnNext(s -> caller.requireAdminOr(s.customerId())));
    }

    public Mono<ListResponse<Subscription>> list(Caller caller, SubscriptionFilter filter, PageRequest page) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return subscriptions.list(caller.siteId(), filter, page).collectList()
                    .map(rows -> ListResponse.of(rows, page, Subscription::id));
        });
    }

    public static final int SEARCH_CUSTOMERS = 1_000;

    /** Subscriptions of the customers whose name, email, phone, company or department matches. */
    public Mono<ListResponse<Subscription>> search(Caller caller, String query, SubscriptionFilter filter,
            PageRequest page) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            Violations v = new Violations();
            v.require("query", query);
            v.checkIfPresent("query", query, q -> q.strip().length() >= 2 && q.length() <= 200,
                    "must be 2 to 200 characters");
            v.throwIfAny();
            return customers.searchCustomerIds(caller.siteId(), query, SEARCH_CUSTOMERS).collectList()
                    .flatMap(ids -> ids.isEmpty() ? Mono.just(new ListResponse<Subscription>(List.of(), false, null))
                            : list(caller, filter.withCustomers(ids), page));
        });
    }

    public Flux<Subscription> export(Caller caller, SubscriptionFilter filter) {
        return Flux.defer(() -> {
            caller.requireAdmin();
            return subscriptions.stream(caller.siteId(), filter);
        });
    }

    // ---- changes ------------------------------------------------------------------------------------------------

    /** Locks the customer the events are keyed by (its row in the customer view), for per-key order. */
    private Mono<Void> lockCustomer(Subscription s) {
        return locks.lock(CUSTOMER, s.siteId(), s.customerId()).then();
    }

    /**
     * Runs {@code change} on the subscription read and locked in a transaction (customer first, then the
     * subscription), with the site's time.
     */
    private <T> Mono<T> change(Caller caller, String id, ChangeFunction<T> change) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                Mono<T> work = subscriptions.find(caller.siteId(), id)
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id)))
                        .flatMap(unlocked -> lockCustomer(unlocked))
                        .then(Mono.defer(() -> subscriptions.findForUpdate(caller.siteId(), id)))
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id)))
                        .flatMap(before -> change.apply(before, now));
                return Conflicts.retrying(transaction.transactional(work)).onErrorMap(Rejections::translate);
            });
        });
    }

    @FunctionalInterface
    private interface ChangeFunction<T> {
        Mono<T> apply(Subscription before, Instant now);
    }

    public Mono<Subscription> update(Caller caller, String id, Function<Subscription, Subscription.Changes> changes) {
        return change(caller, id, (before, now) -> {
            Subscription.Changes c = changes.apply(before);
            Mono<Void> addressChecks = Mono.empty();
            String shippingOwner = before.isGift() ? before.giftRecipientId() : before.customerId();
            if (c.shippingAddressId() != null) {
                addressChecks = addressChecks.then(customers.requireAddress(caller, shippingOwner,
                        c.shippingAddressId(), "shipping_address").then());
            }
            if (c.billingAddressId() != null) {
                addressChecks = addressChecks.then(customers.requireAddress(caller, before.customerId(),
                        c.billingAddressId(), "billing_address").then());
            }
            return addressChecks.then(Rejections.orError(before.update(c, now))).flatMap(after -> {
                List<String> changed = after.changedFieldsSince(before);
                if (changed.isEmpty()) {
                    return Mono.just(before);
                }
                return subscriptions.update(after)
                        .then(lifecycle.align(after, null, false))
                        .then(header(SubscriptionEvents.UPDATED, after, now))
                        .flatMap(h -> outbox.append(SubscriptionEvents.updated(h, after, changed)))
                        .thenReturn(after);
            });
        });
    }

    public Mono<Subscription> cancel(Caller caller, String id, boolean atPeriodEnd, Refund refund) {
        return change(caller, id, (before, now) -> Rejections.orError(before.cancel(now, atPeriodEnd, refund))
                .flatMap(c -> writeCancellation(before, c, now, null)));
    }

    /** Writes a cancellation (from a request or a bulk cancellation) with its event; the row is locked. */
    Mono<Subscription> writeCancellation(Subscription before, Subscription.Cancellation c, Instant now,
            String replacedBy) {
        Subscription after = c.subscription();
        Mono<Void> event = after.status() == SubscriptionStatus.CANCELED
                ? header(SubscriptionEvents.CANCELED, after, now).flatMap(h -> outbox.append(
                        SubscriptionEvents.canceled(h, after, c.refund().wireName(), c.refundAmount(), replacedBy)))
                : header(SubscriptionEvents.UPDATED, after, now).flatMap(h -> outbox.append(
                        SubscriptionEvents.updated(h, after, after.changedFieldsSince(before))));
        return subscriptions.update(after).then(lifecycle.align(after, null, false)).then(event).thenReturn(after);
    }

    /**
     * Seed 002 "Change the plan": cancels the subscription now with the refund to the balance and starts one on
     * {@code planId} for the same customer, in one transaction with both events; answers the new subscription.
     */
    public Mono<Subscription> changePlan(Caller caller, String id, String planId, Refund refund) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return plans.requireUsable(caller, planId).map(SubscriptionService::terms)
                    .flatMap(terms -> change(caller, id, (before, now) -> {
                        NewSubscription next = before.replacementOn(planId);
                        next.validate(terms, now).throwIfAny();
                        return Rejections.orError(before.cancel(now, false, refund)).flatMap(c -> {
                            Subscription created = next.toSubscription(Ids.next(Subscription.ID_PREFIX, clock),
                                    before.siteId(), before.livemode(), terms, before.membership(), now, before.id());
                            return plans.markUsed(before.siteId(), planId)
                                    .then(writeCancellation(before, c, now, created.id()))
                                    .then(insertNew(created, now))
                                    .then(header(SubscriptionEvents.CREATED, created, now))
                                    .flatMap(h -> outbox.append(SubscriptionEvents.created(h, created)))
                                    .thenReturn(created);
                        });
                    }));
        });
    }

    /** Seed 002 "Charge upon renewal": schedules the next term (on {@code planId}, or the current plan). */
    public Mono<Subscription> renew(Caller caller, String id, String planId) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            Mono<Optional<PlanTerms>> next = planId == null ? Mono.just(Optional.empty())
                    : plans.requireUsable(caller, planId).map(SubscriptionService::terms).map(Optional::of);
            return next.flatMap(terms -> change(caller, id, (before, now) -> {
                PlanTerms plan = terms.orElse(before.plan());
                Mono<Void> used = terms.isPresent() ? plans.markUsed(before.siteId(), plan.planId()) : Mono.empty();
                return Rejections.orError(before.requestRenewal(plan, now)).flatMap(after -> used
                        .then(subscriptions.update(after))
                        .then(lifecycle.align(after, null, false))
                        .then(header(SubscriptionEvents.RENEWAL_SCHEDULED, after, now))
                        .flatMap(h -> outbox.append(SubscriptionEvents.renewalScheduled(h, after)))
                        .thenReturn(after));
            }));
        });
    }

    // ---- bulk cancellation --------------------------------------------------------------------------------------

    /** What a bulk cancellation did to one subscription. */
    public enum BulkOutcome { CANCELED, WOULD_CANCEL, ALREADY_ENDED, ALREADY_CANCELING }

    /** Up to {@code limit} ids of the site's subscriptions in {@code filter} after {@code afterId}, in id order. */
    public Flux<String> idsInScope(String siteId, SubscriptionFilter filter, String afterId, int limit) {
        return subscriptions.idsAfter(siteId, filter, afterId, limit);
    }

    public Mono<Long> countInScope(String siteId, SubscriptionFilter filter) {
        return subscriptions.count(siteId, filter);
    }

    /**
     * Locks many subscriptions of the site in the caller's transaction, as the period-end chunks do: their customers
     * in one statement (id order), then the subscriptions (id order). A batch that then changes them one by one
     * (each change re-locks rows it already holds, at no wait) waits for a chunk or another batch in the same order
     * instead of deadlocking with it (a deadlock with other code costs a prompt retry).
     */
    public Mono<Void> lockAll(String siteId, List<String> ids) {
        return subscriptions.customersOf(siteId, ids)
                .flatMap(customerIds -> locks.lockAll(CUSTOMER, siteId, customerIds.values()))
                .thenMany(Flux.defer(() -> subscriptions.findAllForUpdate(siteId, ids)))
                .then();
    }

    /**
     * Cancels one subscription for a bulk cancellation, inside the caller's transaction (its batch): locks it like
     * every change, skips it when it has ended or is already set to cancel (so a re-run cancels nothing twice), and
     * in a dry run only says what it would do.
     */
    public Mono<BulkOutcome> cancelInBulk(String siteId, String id, boolean atPeriodEnd, boolean dryRun, Instant now) {
        return subscriptions.find(siteId, id)
                .flatMap(unlocked -> lockCustomer(unlocked))
                .then(Mono.defer(() -> subscriptions.findForUpdate(siteId, id)))
                .flatMap(before -> {
                    if (before.status().isTerminal()) {
                        return Mono.just(BulkOutcome.ALREADY_ENDED);
                    }
                    if (before.cancelAtPeriodEnd() && atPeriodEnd) {
                        return Mono.just(BulkOutcome.ALREADY_CANCELING);
                    }
                    var outcome = before.cancel(now, atPeriodEnd, Refund.NONE);
                    if (!outcome.isDone()) {
                        return Mono.error(Rejections.problem(outcome.rejection()));
                    }
                    return dryRun ? Mono.just(BulkOutcome.WOULD_CANCEL)
                            : writeCancellation(before, outcome.value(), now, null).thenReturn(BulkOutcome.CANCELED);
                })
                .defaultIfEmpty(BulkOutcome.ALREADY_ENDED);
    }

    private Mono<EventHeader> header(String type, Subscription s, Instant occurredAt) {
        return headers.header(type, s.siteId(), s.livemode(), occurredAt);
    }

    Mono<Void> append(OutboxMessage message) {
        return outbox.append(message);
    }
}
