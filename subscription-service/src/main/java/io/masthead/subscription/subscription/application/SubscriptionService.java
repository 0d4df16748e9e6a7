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
import io.masthead.subscription.subscription.model.Rejection;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionFilter;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.TreeSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
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
    private final List<SubscriptionEndings> endings;

    public SubscriptionService(SubscriptionRepository subscriptions, PlanCatalog plans, CustomerDirectory customers,
            SubscriptionLifecycle lifecycle, Outbox outbox, AggregateLock locks, EventHeaderFactory headers,
            TransactionalOperator transaction, SiteTime siteTime, Clock clock, List<SubscriptionEndings> endings) {
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
        this.endings = List.copyOf(endings);
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
                return checked(caller, in, now, null).flatMap(checked -> {
                    Mono<Subscription> work = lockAndJoin(caller.siteId(), in, checked)
                            .map(membership -> in.toSubscription(Ids.next(Subscription.ID_PREFIX, clock),
                                    caller.siteId(), caller.livemode(), checked.plan(), membership, now, null))
                            .flatMap(s -> plans.markUsed(caller.siteId(), s.plan().planId())
                                    .then(insertNew(s, now))
                                    .then(header(SubscriptionEvents.CREATED, s, now))
                                    .flatMap(h -> outbox.append(SubscriptionEvents.created(h, s)))
                                    .thenReturn(s));
                    return Conflicts.retrying(transaction.transactional(work)).onErrorMap(Rejections::translate);
                });
            });
        });
    }

    private record Checked(PlanTerms plan, Membership membership) {
    }

    /**
     * Locks what a new subscription's transaction writes under and answers its membership. A member's group admin is
     * resolved here, inside the transaction (the one checked before may have been replaced by a change of plan since):
     * the customers of the admin and of the member are locked in id order (every writer of a group locks its
     * customers so, before any subscription row), then the group's admin subscription, which must be live, on the
     * member's plan, not set to cancel at its period end (409 {@code membership-admin-canceling}: a member never
     * outlives its admin) and have room ({@link MembershipRules#MAX_MEMBERS_PER_GROUP}). The lock on the admin's row
     * keeps a cancellation of the admin from missing the new member.
     */
    private Mono<Membership> lockAndJoin(String siteId, NewSubscription in, Checked checked) {
        Membership membership = checked.membership();
        if (membership.type() != Membership.Type.MEMBER) {
            return locks.lock(CUSTOMER, siteId, in.customerId()).thenReturn(membership);
        }
        String group = membership.group();
        return subscriptions.find(siteId, membership.adminSubscriptionId())
                .map(Subscription::customerId)
                .defaultIfEmpty(in.customerId())
                .flatMap(adminCustomer -> lockCustomers(siteId, List.of(adminCustomer, in.customerId())))
                .then(Mono.defer(() -> subscriptions.findGroupAdmin(siteId, group)))
                .filter(admin -> !admin.status().isTerminal())
                // a new admin of another customer (rare): its customer before its row
                .flatMap(admin -> locks.lock(CUSTOMER, siteId, admin.customerId())
                        .then(Mono.defer(() -> subscriptions.findForUpdate(siteId, admin.subscriptionId()))))
                .filter(admin -> !admin.status().isTerminal())
                .switchIfEmpty(Mono.error(() -> ValidationException.of("membership", "group '" + group
                        + "' has no live admin subscription for a member to join")))
                .flatMap(admin -> {
                    Optional<Rejection> broken = MembershipRules.check(Membership.Type.MEMBER, group, checked.plan(),
                            Optional.of(groupAdmin(admin)));
                    if (broken.isPresent()) {
                        return Mono.error(Rejections.problem(broken.get()));
                    }
                    return subscriptions.countLiveMembers(siteId, admin.id())
                            .flatMap(n -> MembershipRules.checkRoomForMember(group, admin.cancelAtPeriodEnd(), n)
                                    .map(r -> Mono.<Membership>error(Rejections.problem(r)))
                                    .orElseGet(() -> Mono.just(new Membership(Membership.Type.MEMBER, group,
                                            admin.id()))));
                });
    }

    private static MembershipRules.GroupAdmin groupAdmin(Subscription admin) {
        return new MembershipRules.GroupAdmin(admin.id(), admin.status(), admin.plan().planId(), admin.customerId());
    }

    /** Locks the customers (the events' keys) in id order, each once: writers of overlapping groups lock alike. */
    private Mono<Void> lockCustomers(String siteId, Collection<String> customerIds) {
        return Flux.fromIterable(new TreeSet<>(customerIds))
                .concatMap(customerId -> locks.lock(CUSTOMER, siteId, customerId))
                .then();
    }

    /**
     * Locks the customers a change of {@code s} (read without a lock) may write events under, in id order, before any
     * subscription row: its own; for an admin's subscription those of its live members (a cascade writes theirs); for
     * a member's, its admin's (a member's change reads and locks its admin). The lifecycle's due work and bulk
     * cancellations lock through here too, so every writer of a group takes its locks in one order.
     */
    public Mono<Void> lockCustomersOf(Subscription s) {
        Flux<String> others = switch (s.membership().type()) {
            case REGULAR -> Flux.empty();
            case ADMIN -> groupMembers(s).map(Subscription::customerId);
            case MEMBER -> subscriptions.find(s.siteId(), s.membership().adminSubscriptionId())
                    .map(Subscription::customerId).flux();
        };
        return others.collectList().flatMap(ids -> {
            List<String> all = new ArrayList<>(ids);
            all.add(s.customerId());
            return lockCustomers(s.siteId(), all);
        });
    }

    /**
     * Every rule of a new subscription that needs the catalog, the customer view or the database, each failure
     * named by its field; all of them are reported together. {@code replacing}: the subscription a change of plan
     * replaces (an admin's replacement does not compete with the admin subscription it replaces), or null.
     */
    private Mono<Checked> checked(Caller caller, NewSubscription in, Instant now, String replacing) {
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
                : subscriptions.findGroupAdmin(caller.siteId(), in.membershipGroup())
                        .filter(groupAdmin -> !groupAdmin.subscriptionId().equals(replacing)).map(Optional::of)
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
        // an end customer sees its own subscriptions only: another's is 404, as if unknown
        return Mono.defer(() -> subscriptions.find(caller.siteId(), id)
                .filter(s -> caller.mayActFor(s.customerId()))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id))));
    }

    public Mono<ListResponse<Subscription>> list(Caller caller, SubscriptionFilter filter, PageRequest page) {
        return Mono.defer(() -> {
            // an end customer lists its own subscriptions only, naming itself: ?customer=<its id>
            boolean ownList = filter.customerIds() != null && filter.customerIds().size() == 1
                    && caller.mayActFor(filter.customerIds().getFirst());
            if (!ownList) {
                caller.requireAdmin();
            }
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
     * Runs {@code change} on the subscription read and locked in a transaction (the customers of its group first, in
     * id order: {@link #lockCustomersOf}; then the subscription), with the site's time.
     */
    private <T> Mono<T> change(Caller caller, String id, ChangeFunction<T> change) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                Mono<T> work = subscriptions.find(caller.siteId(), id)
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id)))
                        .flatMap(this::lockCustomersOf)
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
                // an admin's subscription set to cancel at its period end takes its group with it
                Mono<Void> members = !before.cancelAtPeriodEnd() && after.cancelAtPeriodEnd()
                        ? cancelMembers(before, true, Refund.NONE, now).then() : Mono.empty();
                return subscriptions.update(after)
                        .then(lifecycle.align(after, null, false))
                        .then(header(SubscriptionEvents.UPDATED, after, now))
                        .flatMap(h -> outbox.append(SubscriptionEvents.updated(h, after, changed)))
                        .then(members)
                        .thenReturn(after);
            });
        });
    }

    /**
     * Cancels now or at the period end. An admin's subscription takes its group with it: each live member is canceled
     * the same way (now, with the same kind of refund of its own period, or at its own period end), with its own
     * event, in the same transaction.
     */
    public Mono<Subscription> cancel(Caller caller, String id, boolean atPeriodEnd, Refund refund) {
        return change(caller, id, (before, now) -> Rejections.orError(before.cancel(now, atPeriodEnd, refund))
                .flatMap(c -> writeCancellation(before, c, now, null)
                        .flatMap(after -> cancelMembers(before, c.atPeriodEnd(), refund, now).thenReturn(after))));
    }

    /**
     * The most live members one transaction changes with their admin: the group's bound, with room for members that
     * joined in a race or were migrated. A group beyond it is refused loudly (409 {@code membership-group-too-large}),
     * never changed in part.
     */
    static final int MAX_MEMBERS_PER_TRANSACTION = MembershipRules.MAX_MEMBERS_PER_GROUP * 4;

    /**
     * Every live member hanging off an admin's subscription (none for any other), read whole (the connection serves
     * one statement at a time), or a 409 when there are more than one transaction changes.
     */
    private Flux<Subscription> groupMembers(Subscription admin) {
        if (admin.membership().type() != Membership.Type.ADMIN) {
            return Flux.empty();
        }
        return subscriptions.liveMembers(admin.siteId(), admin.id(), MAX_MEMBERS_PER_TRANSACTION + 1)
                .collectList()
                .flatMapMany(members -> members.size() > MAX_MEMBERS_PER_TRANSACTION
                        ? Flux.error(new ProblemException(HttpStatus.CONFLICT, "membership-group-too-large",
                                "Conflict", "the admin's subscription " + admin.id() + " carries more than "
                                        + MAX_MEMBERS_PER_TRANSACTION + " live members, more than one change moves "
                                        + "with it: nothing was changed",
                                List.of(new Violation("subscription", "its group is too large to change at once"))))
                        : Flux.fromIterable(members));
    }

    /**
     * The live members hanging off an admin's subscription (none for any other), each locked like every change: its
     * customer (already held from {@link #lockCustomersOf}, unless the member joined since), then its row.
     */
    private Flux<Subscription> lockedLiveMembers(Subscription admin) {
        return groupMembers(admin)
                .concatMap(member -> lockCustomer(member)
                        .then(Mono.defer(() -> subscriptions.findForUpdate(member.siteId(), member.id()))))
                .filter(member -> !member.status().isTerminal());
    }

    /**
     * Cancels the live members of an admin's subscription as the admin's was canceled; nothing for others. Answers
     * how many it canceled (a member already set to cancel at its period end is left alone by a cancellation at period
     * end).
     */
    private Mono<Long> cancelMembers(Subscription admin, boolean atPeriodEnd, Refund refund, Instant now) {
        return lockedLiveMembers(admin)
                .filter(member -> !(atPeriodEnd && member.cancelAtPeriodEnd()))
                .concatMap(member -> Rejections.orError(member.cancel(now, atPeriodEnd,
                                atPeriodEnd ? Refund.NONE : refund))
                        .flatMap(c -> writeCancellation(member, c, now, null)))
                .count();
    }

    /**
     * The due work's hook for an admin's subscription that ended at its period end (canceled as it was set to, or
     * expired): every live member ends with it now (canceled, no refund: each is charged by its own periods), with its
     * own {@code subscription.canceled}, in the same transaction; nothing for any other subscription. The customers
     * must be locked as {@link #lockCustomersOf} does. Every path that ends a period (one by one or in batches)
     * calls it, so a member never outlives its admin.
     */
    public Mono<Void> endMembersWithAdmin(Subscription admin, Instant now) {
        if (admin.membership().type() != Membership.Type.ADMIN || !admin.status().isTerminal()) {
            return Mono.empty();
        }
        return cancelMembers(admin, false, Refund.NONE, now).then();
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
        Mono<Void> ended = after.status().isTerminal()
                ? Flux.fromIterable(endings).concatMap(e -> e.ended(before, after, now)).then() : Mono.empty();
        return subscriptions.update(after).then(lifecycle.align(after, null, false)).then(ended).then(event)
                .thenReturn(after);
    }

    /**
     * Seed 002 "Change the plan": cancels the subscription now with the refund to the balance and starts one on
     * {@code planId} for the same customer, in one transaction with both events; answers the new subscription. The
     * replacement passes the rules a creation does (customer, gift recipient and addresses, the plan's terms,
     * membership). A gift moves as a whole (donor and recipient stay on one plan). An admin's subscription moves its
     * group: each live member is canceled with the same kind of refund and started on the new plan, hanging off the
     * admin's new subscription; a member does not move alone ({@link MembershipRules#checkChangeOfPlan}).
     */
    public Mono<Subscription> changePlan(Caller caller, String id, String planId, Refund refund) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return plans.requireUsable(caller, planId).map(SubscriptionService::terms)
                    .flatMap(terms -> change(caller, id, (before, now) -> {
                        NewSubscription next = before.replacementOn(planId);
                        next.validate(now).throwIfAny();
                        // the rules first on the admin as read (its customer is locked), then on its locked row
                        return recordedAdmin(before, false)
                                .flatMap(admin -> refused(MembershipRules.checkChangeOfPlan(before.membership(), terms,
                                        admin)))
                                .then(Mono.defer(() -> recordedAdmin(before, true)))
                                .flatMap(admin -> refused(MembershipRules.checkChangeOfPlan(before.membership(), terms,
                                        admin)))
                                .then(Mono.defer(() -> checked(caller, next, now, before.id())))
                                .flatMap(checked -> Rejections.orError(before.cancel(now, false, refund)).flatMap(c -> {
                                    Subscription created = next.toSubscription(Ids.next(Subscription.ID_PREFIX, clock),
                                            before.siteId(), before.livemode(), checked.plan(), checked.membership(),
                                            now, before.id());
                                    return plans.markUsed(before.siteId(), planId)
                                            .then(writeCancellation(before, c, now, created.id()))
                                            .then(insertNew(created, now))
                                            .then(header(SubscriptionEvents.CREATED, created, now))
                                            .flatMap(h -> outbox.append(SubscriptionEvents.created(h, created)))
                                            .then(moveMembers(before, created, checked.plan(), refund, now))
                                            .thenReturn(created);
                                }));
                    }));
        });
    }

    /**
     * The admin subscription a member hangs off, as the membership rules see it (empty for any other); {@code locked}:
     * its row locked, so a cancellation of the admin waits for this change (or this one sees it ended) and its
     * replacement is not missed. Its customer is locked already ({@link #lockCustomersOf}).
     */
    private Mono<Optional<MembershipRules.GroupAdmin>> recordedAdmin(Subscription s, boolean locked) {
        if (s.membership().type() != Membership.Type.MEMBER) {
            return Mono.just(Optional.empty());
        }
        String adminId = s.membership().adminSubscriptionId();
        return (locked ? subscriptions.findForUpdate(s.siteId(), adminId) : subscriptions.find(s.siteId(), adminId))
                .map(a -> Optional.of(groupAdmin(a)))
                .defaultIfEmpty(Optional.empty());
    }

    private static Mono<Void> refused(Optional<Rejection> rejection) {
        return rejection.map(r -> Mono.<Void>error(Rejections.problem(r))).orElse(Mono.empty());
    }

    /**
     * An admin's change of plan: each live member of {@code oldAdmin} is canceled now with the refund (of its own
     * period) and replaced on the new plan, hanging off {@code newAdmin}, with both events; a scheduled or trialing
     * member keeps its start date or trial end ({@link Subscription#memberReplacementOn}). A member set to cancel at
     * its period end was leaving: it is canceled now with the refund and not replaced (a change of plan never undoes
     * a cancellation). A member that cannot move (its replacement breaks a rule of the plan, e.g. an address the
     * product requires) refuses the whole change.
     */
    private Mono<Void> moveMembers(Subscription oldAdmin, Subscription newAdmin, PlanTerms terms, Refund refund,
            Instant now) {
        return lockedLiveMembers(oldAdmin)
                .concatMap(member -> {
                    if (member.cancelAtPeriodEnd()) {
                        return Rejections.orError(member.cancel(now, false, refund))
                                .flatMap(c -> writeCancellation(member, c, now, null)).then();
                    }
                    NewSubscription next = member.memberReplacementOn(terms.planId(), now);
                    List<Violation> bad = new ArrayList<>(next.validate(now).list());
                    bad.addAll(next.validate(terms, now).list());
                    if (!bad.isEmpty()) {
                        return Mono.error(ValidationException.of("plan", "member subscription " + member.id()
                                + " cannot move to this plan with its group: " + bad.get(0).field() + " "
                                + bad.get(0).message()));
                    }
                    return Rejections.orError(member.cancel(now, false, refund)).flatMap(c -> {
                        Subscription moved = next.toSubscription(Ids.next(Subscription.ID_PREFIX, clock),
                                member.siteId(), member.livemode(), terms, new Membership(Membership.Type.MEMBER,
                                        member.membership().group(), newAdmin.id()), now, member.id());
                        return writeCancellation(member, c, now, moved.id())
                                .then(insertNew(moved, now))
                                .then(header(SubscriptionEvents.CREATED, moved, now))
                                .flatMap(h -> outbox.append(SubscriptionEvents.created(h, moved)));
                    });
                })
                .then();
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

    /**
     * What a bulk cancellation did to one subscription, and to how many live members its admin's subscription took
     * with it (in a dry run: would take).
     */
    public record BulkResult(BulkOutcome outcome, long withAdmin) {

        static BulkResult of(BulkOutcome outcome) {
            return new BulkResult(outcome, 0);
        }
    }

    /**
     * Up to {@code limit} ids of a bulk cancellation's snapshot, after {@code afterId}, in id order: the site's
     * subscriptions in {@code filter} with ids below {@code idBefore}, then the replacements made since (by a change
     * of plan) of rows of the snapshot ({@link SubscriptionRepository#replacementIdsAfter}): a subscription in the
     * snapshot does not escape it by changing plan. Replacements' ids are above every id of the snapshot, so one
     * keyset runs through both.
     */
    public Flux<String> idsInScope(String siteId, SubscriptionFilter filter, String idBefore, String afterId,
            int limit) {
        if (afterId != null && afterId.compareTo(idBefore) >= 0) {
            return subscriptions.replacementIdsAfter(siteId, filter, idBefore, afterId, limit);
        }
        return subscriptions.idsAfter(siteId, filter, idBefore, afterId, limit).collectList()
                .flatMapMany(ids -> ids.size() >= limit ? Flux.fromIterable(ids)
                        : Flux.concat(Flux.fromIterable(ids), subscriptions.replacementIdsAfter(siteId, filter,
                                idBefore, null, limit - ids.size())));
    }

    /** How many ids {@link #idsInScope} runs through. */
    public Mono<Long> countInScope(String siteId, SubscriptionFilter filter, String idBefore) {
        return subscriptions.count(siteId, filter, idBefore).flatMap(n -> subscriptions
                .countReplacements(siteId, filter, idBefore).map(replacements -> n + replacements));
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
    public Mono<BulkResult> cancelInBulk(String siteId, String id, boolean atPeriodEnd, boolean dryRun, Instant now) {
        return subscriptions.find(siteId, id)
                .flatMap(this::lockCustomersOf)
                .then(Mono.defer(() -> subscriptions.findForUpdate(siteId, id)))
                .flatMap(before -> {
                    if (before.status().isTerminal()) {
                        return Mono.just(BulkResult.of(BulkOutcome.ALREADY_ENDED));
                    }
                    if (before.cancelAtPeriodEnd() && atPeriodEnd) {
                        return Mono.just(BulkResult.of(BulkOutcome.ALREADY_CANCELING));
                    }
                    var outcome = before.cancel(now, atPeriodEnd, Refund.NONE);
                    if (!outcome.isDone()) {
                        return Mono.error(Rejections.problem(outcome.rejection()));
                    }
                    if (dryRun) {
                        return groupMembers(before).filter(member -> !(atPeriodEnd && member.cancelAtPeriodEnd()))
                                .count().map(n -> new BulkResult(BulkOutcome.WOULD_CANCEL, n));
                    }
                    return writeCancellation(before, outcome.value(), now, null)
                            .then(cancelMembers(before, outcome.value().atPeriodEnd(), Refund.NONE, now))
                            .map(n -> new BulkResult(BulkOutcome.CANCELED, n));
                })
                .defaultIfEmpty(BulkResult.of(BulkOutcome.ALREADY_ENDED));
    }

    private Mono<EventHeader> header(String type, Subscription s, Instant occurredAt) {
        return headers.header(type, s.siteId(), s.livemode(), occurredAt);
    }

    Mono<Void> append(OutboxMessage message) {
        return outbox.append(message);
    }
}
