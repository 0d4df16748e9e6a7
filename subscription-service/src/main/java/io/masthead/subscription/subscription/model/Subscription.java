package io.masthead.subscription.subscription.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A customer's subscription to a plan, over its whole life. Every change is a method that returns the changed
 * subscription or a {@link Rejection}; nothing here reads a clock: the time of the change is passed in (the
 * request's site time, or the due time of the lifecycle item being processed).
 *
 * <p>{@code currentPeriodStart/End} is the trial while trialing (Stripe's convention) and otherwise billing period
 * {@code periodNumber} of the cycle anchored at {@code billingCycleAnchor} (the start, or the trial's end).
 * {@code periodNumber} is -1 while no billing period has begun (scheduled, trialing).
 */
public record Subscription(String id, String siteId, boolean livemode, String customerId, PlanTerms plan,
        int quantity, CollectionMethod collectionMethod, Integer daysUntilDue, SubscriptionStatus status,
        Instant startDate, Instant trialStart, Instant trialEnd, Instant billingCycleAnchor, long periodNumber,
        Instant currentPeriodStart, Instant currentPeriodEnd, boolean autoRenew, boolean cancelAtPeriodEnd,
        Instant canceledAt, Instant endedAt, boolean initialPeriodPaid, int shipmentsRemaining,
        boolean shipmentsUndeliverable, Instant shipmentsSuspendedUntil, String shippingAddressId,
        String billingAddressId, String giftRecipientId, Membership membership, String replaces,
        ScheduledRenewal scheduledRenewal, Map<String, String> metadata, Instant createdAt, Instant updatedAt,
        PauseState pause) {

    public static final String ID_PREFIX = "sub";
    /** trial_will_end is announced this long before the trial ends (or at once for a shorter trial). */
    public static final java.time.Duration TRIAL_WILL_END_NOTICE = java.time.Duration.ofDays(3);
    /**
     * The most shipments a subscription holds: a PATCH may set 0..this, and a renewal's shipments
     * (shipments_per_interval × quantity) saturate at it, so a renewal never fails on an overflow.
     */
    public static final int MAX_SHIPMENTS_REMAINING = 1_000_000;
    /** A future time the API takes (start_date, trial_end, ...) is at most this many years after the site's now. */
    public static final int MAX_YEARS_AHEAD = 100;

    public Subscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        membership = membership == null ? Membership.REGULAR : membership;
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        pause = pause == null ? PauseState.NONE : pause;
    }

    // ---- what the resource and every event show -------------------------------------------------------------

    /** Whether the subscription goes on after the current period (renewal, or the trial's end into a period). */
    public boolean continuesAfterCurrentPeriod() {
        if (status.isTerminal() || cancelAtPeriodEnd) {
            return false;
        }
        return status == SubscriptionStatus.TRIALING || status == SubscriptionStatus.SCHEDULED || autoRenew
                || scheduledRenewal != null;
    }

    /** Release 1.54 {@code renews_at}: the next scheduled renewal, null when none is coming. */
    public Instant renewsAt() {
        return continuesAfterCurrentPeriod() && status != SubscriptionStatus.SCHEDULED ? currentPeriodEnd : null;
    }

    /** Release 1.54 {@code expires_at}: when access ends as things stand; null while it renews. */
    public Instant expiresAt() {
        if (status.isTerminal()) {
            return endedAt;
        }
        return continuesAfterCurrentPeriod() ? null : currentPeriodEnd;
    }

    /**
     * Release 1.54 {@code next_invoice_date}: always the current period's end while the subscription goes on
     * (the rule "must match current_period_end"), null when no invoice is coming.
     */
    public Instant nextInvoiceDate() {
        return continuesAfterCurrentPeriod() && status != SubscriptionStatus.SCHEDULED ? currentPeriodEnd : null;
    }

    public Period currentPeriod() {
        return currentPeriodStart == null ? null : new Period(periodNumber, currentPeriodStart, currentPeriodEnd);
    }

    /**
     * Whether the current period is one Masthead charges for, so that a refund can give back part of it: a billing
     * period (not a trial, not a scheduled start) that is not the migrated, already-paid period a
     * {@code next_invoice_date} declared (release 1.54: it was paid to the system it came from, never here). A refund
     * of any other period is 0; whether a charged period was in fact paid is billing's to decide from the event.
     */
    public boolean currentPeriodIsCharged() {
        return periodNumber >= 0 && currentPeriod() != null && status != SubscriptionStatus.SCHEDULED
                && status != SubscriptionStatus.TRIALING && !initialPeriodPaid;
    }

    public boolean isGift() {
        return giftRecipientId != null;
    }

    // ---- changes requested by a client ------------------------------------------------------------------------

    /** A cancellation and what it gives back. */
    public record Cancellation(Subscription subscription, boolean atPeriodEnd, Refund refund, long refundAmount) {
    }

    /**
     * Cancels now ({@code atPeriodEnd} false: the subscription ends at once, nothing renews after it) or at the
     * end of the current period. A refund goes with an immediate cancellation only; a scheduled subscription that
     * has not started ends at once either way.
     */
    public Outcome<Cancellation> cancel(Instant now, boolean atPeriodEnd, Refund refund) {
        if (status.isTerminal()) {
            return Outcome.refused(Rejection.illegalTransition(status, "canceled"));
        }
        boolean immediate = !atPeriodEnd || status == SubscriptionStatus.SCHEDULED;
        if (!immediate) {
            if (refund != Refund.NONE) {
                return Outcome.refused(Rejection.invalid("refund_needs_immediate_cancel", "refund",
                        "a refund goes with an immediate cancellation (at_period_end false): the period is used up"));
            }
            if (cancelAtPeriodEnd) {
                return Outcome.refused(Rejection.conflict("already_canceling",
                        "the subscription is already set to cancel at the end of its period"));
            }
            Draft d = draft(now);
            d.cancelAtPeriodEnd = true;
            d.canceledAt = now;
            d.scheduledRenewal = null;
            return Outcome.done(new Cancellation(d.build(), true, Refund.NONE, 0));
        }
        long refundAmount = currentPeriodIsCharged() ? refund.amount(plan.amount(), quantity, currentPeriod(), now,
                pause.periodCredit(), pause.pausedUntil(now)) : 0;
        Draft d = draft(now);
        d.become(SubscriptionStatus.CANCELED);
        d.canceledAt = now;
        d.endedAt = now;
        d.cancelAtPeriodEnd = false;
        d.scheduledRenewal = null;
        return Outcome.done(new Cancellation(d.build(), false, refund, refundAmount));
    }

    /**
     * Schedules the next term on {@code next} (the same plan or another) to start at the current period's end.
     * Refused while the subscription is set to cancel at its period end: a renewal never undoes a cancellation.
     */
    public Outcome<Subscription> requestRenewal(PlanTerms next, Instant now) {
        if (status.isTerminal()) {
            return Outcome.refused(Rejection.illegalTransition(status, "renewed"));
        }
        if (status == SubscriptionStatus.SCHEDULED) {
            return Outcome.refused(Rejection.conflict("not_started",
                    "a scheduled subscription has no period to renew yet"));
        }
        if (cancelAtPeriodEnd) {
            // renewing would silently undo the cancellation asked for: the client clears it first, explicitly
            return Outcome.refused(Rejection.conflict("canceling_at_period_end",
                    "the subscription is set to cancel at the end of its period (cancel_at_period_end): clear it "
                            + "first (PATCH cancel_at_period_end false), then renew"));
        }
        if (scheduledRenewal != null) {
            return Outcome.refused(Rejection.conflict("renewal_already_scheduled",
                    "a renewal is already scheduled to start at " + scheduledRenewal.startsAt()));
        }
        Period term = nextPeriodOn(next);
        Draft d = draft(now);
        d.scheduledRenewal = new ScheduledRenewal(next, term.start(), term.end(), now);
        return Outcome.done(d.build());
    }

    // ---- pause and resume (the rules of when and how often are the pause concept's policies) ----------------

    /** One day: a pause's length and the time it gives back on an early resume are counted in these. */
    public static final java.time.Duration DAY = java.time.Duration.ofDays(1);

    /**
     * Pauses from {@code start} to {@code end}: billing stops (the period end moves by the pause's length, so
     * {@code current_period_end}, {@code renews_at}, {@code expires_at}, a scheduled renewal and a trial's end all move
     * by it and nothing renews meanwhile), shipments are suspended until {@code end}, and the pause is counted in the
     * UTC year of {@code start}. Any state that may become paused can (the policies decide which a request may use).
     */
    public Outcome<Subscription> pause(Instant start, Instant end, Instant now) {
        if (!status.canBecome(SubscriptionStatus.PAUSED)) {
            return Outcome.refused(status == SubscriptionStatus.PAUSED
                    ? Rejection.conflict("already_paused", "the subscription is already paused until " + pause.endAt())
                    : Rejection.illegalTransition(status, "paused"));
        }
        if (!end.isAfter(start)) {
            return Outcome.refused(Rejection.invalid("pause_not_positive", "duration_days",
                    "a pause ends after it starts"));
        }
        java.time.Duration length = java.time.Duration.between(start, end);
        Draft d = draft(now);
        d.pause = pause.begin(start, end, status, shipmentsSuspendedUntil);
        d.become(SubscriptionStatus.PAUSED);
        d.moveCurrentEnd(length);
        if (shipmentsSuspendedUntil == null || shipmentsSuspendedUntil.isBefore(end)) {
            d.shipmentsSuspendedUntil = end;
        }
        return Outcome.done(d.rescheduleRenewal().build());
    }

    /**
     * A pause that ended: {@code subscription} is back in the state it was paused from; it was paused from
     * {@code startedAt} to {@code endedAt}; its period moved by {@code credited} in all (the time it was paused,
     * whole days rounded up, never more than the pause planned); {@code daysPaused} is that in days.
     */
    public record Resumed(Subscription subscription, Instant startedAt, Instant endedAt, Instant plannedEnd,
            java.time.Duration credited, long daysPaused, boolean trialNoticeDue) {
    }

    /**
     * Ends the pause at {@code at} (its planned end, or earlier). The period keeps the paused time only: the period
     * end is the original one plus the days actually paused, a day begun counting as a whole day (so a pause ended
     * the instant it began gives nothing back but moves nothing either, and one ended 1 hour in moves the period by
     * 1 day), never beyond the planned pause. Shipments suspended for the pause resume.
     */
    public Outcome<Resumed> resume(Instant at, Instant now) {
        if (status != SubscriptionStatus.PAUSED || !pause.isPaused()) {
            return Outcome.refused(Rejection.conflict("not_paused", "a " + status.wireName()
                    + " subscription is not paused"));
        }
        Instant start = pause.startAt();
        Instant plannedEnd = pause.endAt();
        Instant ended = at.isBefore(start) ? start : at.isAfter(plannedEnd) ? plannedEnd : at;
        java.time.Duration planned = java.time.Duration.between(start, plannedEnd);
        java.time.Duration credited = creditedPause(java.time.Duration.between(start, ended), planned);
        Instant originalEnd = currentPeriodEnd.minus(planned);
        Draft d = draft(now);
        d.moveCurrentEnd(credited.minus(planned));
        d.become(pause.resumesTo());
        d.pause = pause.end(credited);
        if (plannedEnd.equals(shipmentsSuspendedUntil)) {
            // the suspension the pause replaced comes back while it still lasts
            Instant earlier = pause.shipmentsSuspendedBefore();
            d.shipmentsSuspendedUntil = earlier != null && earlier.isAfter(ended) ? earlier : null;
        }
        Subscription after = d.rescheduleRenewal().build();
        boolean noticeDue = after.status == SubscriptionStatus.TRIALING && after.trialEnd != null
                && originalEnd.minus(TRIAL_WILL_END_NOTICE).isAfter(start);
        long days = (credited.toMillis() + DAY.toMillis() - 1) / DAY.toMillis();
        return Outcome.done(new Resumed(after, start, ended, plannedEnd, credited, days, noticeDue));
    }

    /** The time a pause of {@code paused} (of a planned {@code planned}) moves the period by: whole days, rounded up. */
    public static java.time.Duration creditedPause(java.time.Duration paused, java.time.Duration planned) {
        if (paused.isNegative() || paused.isZero()) {
            return java.time.Duration.ZERO;
        }
        long dayMillis = DAY.toMillis();
        long days = (paused.toMillis() + dayMillis - 1) / dayMillis;
        java.time.Duration rounded = DAY.multipliedBy(days);
        return rounded.compareTo(planned) > 0 ? planned : rounded;
    }

    /** What a PATCH may change; a null component is left alone. */
    public record Changes(String shippingAddressId, boolean clearShippingAddress, String billingAddressId,
            boolean clearBillingAddress, Integer shipmentsRemaining, Boolean shipmentsUndeliverable,
            Instant shipmentsSuspendedUntil, boolean clearShipmentsSuspendedUntil, Boolean cancelAtPeriodEnd,
            Boolean autoRenew, Map<String, String> metadata) {

        public boolean touchesLifecycle() {
            return cancelAtPeriodEnd != null || autoRenew != null || shipmentsRemaining != null
                    || shipmentsUndeliverable != null || shipmentsSuspendedUntil != null
                    || clearShipmentsSuspendedUntil || shippingAddressId != null || clearShippingAddress
                    || billingAddressId != null || clearBillingAddress;
        }
    }

    /** A PATCH: addresses, shipments, cancel_at_period_end, auto_renew, metadata. An ended one takes metadata only. */
    public Outcome<Subscription> update(Changes c, Instant now) {
        if (status.isTerminal() && c.touchesLifecycle()) {
            return Outcome.refused(Rejection.illegalTransition(status, "changed except for its metadata"));
        }
        if (c.shipmentsRemaining() != null && c.shipmentsRemaining() < 0) {
            return Outcome.refused(Rejection.invalid("shipments_not_negative", "shipments_remaining",
                    "must be 0 or more"));
        }
        if (c.shipmentsRemaining() != null && c.shipmentsRemaining() > MAX_SHIPMENTS_REMAINING) {
            return Outcome.refused(Rejection.invalid("shipments_too_many", "shipments_remaining",
                    "must be at most " + MAX_SHIPMENTS_REMAINING));
        }
        if (c.shipmentsSuspendedUntil() != null) {
            var bad = new io.masthead.platform.validation.Violations()
                    .timeAtMostYearsAhead("shipments_suspended_until", c.shipmentsSuspendedUntil(), now,
                            MAX_YEARS_AHEAD).list();
            if (!bad.isEmpty()) {
                return Outcome.refused(Rejection.invalid("time_out_of_range", "shipments_suspended_until",
                        bad.get(0).message()));
            }
        }
        Draft d = draft(now);
        if (c.clearShippingAddress()) {
            d.shippingAddressId = null;
        } else if (c.shippingAddressId() != null) {
            d.shippingAddressId = c.shippingAddressId();
        }
        if (c.clearBillingAddress()) {
            d.billingAddressId = null;
        } else if (c.billingAddressId() != null) {
            d.billingAddressId = c.billingAddressId();
        }
        if (plan.addressRequired() && d.shippingAddressId == null && d.billingAddressId == null) {
            return Outcome.refused(Rejection.invalid("address_required", "shipping_address",
                    "the product requires an address: keep a shipping or billing address"));
        }
        if (c.shipmentsRemaining() != null) {
            d.shipmentsRemaining = c.shipmentsRemaining();
        }
        if (c.shipmentsUndeliverable() != null) {
            d.shipmentsUndeliverable = c.shipmentsUndeliverable();
        }
        if (c.clearShipmentsSuspendedUntil()) {
            d.shipmentsSuspendedUntil = null;
        } else if (c.shipmentsSuspendedUntil() != null) {
            d.shipmentsSuspendedUntil = c.shipmentsSuspendedUntil();
        }
        if (c.autoRenew() != null) {
            d.autoRenew = c.autoRenew();
        }
        if (c.cancelAtPeriodEnd() != null && c.cancelAtPeriodEnd() != cancelAtPeriodEnd) {
            d.cancelAtPeriodEnd = c.cancelAtPeriodEnd();
            d.canceledAt = c.cancelAtPeriodEnd() ? now : null;
            if (c.cancelAtPeriodEnd()) {
                d.scheduledRenewal = null;
            }
        }
        if (c.metadata() != null) {
            d.metadata = c.metadata();
        }
        return Outcome.done(d.build());
    }

    /**
     * The subscription a change of plan starts: same customer, quantity, payment terms, addresses, gift (the whole
     * gift moves: donor and recipient stay on one plan, the new one), membership.
     */
    public NewSubscription replacementOn(String newPlanId) {
        return new NewSubscription(customerId, newPlanId, quantity, collectionMethod.wireName(), daysUntilDue, 0,
                null, null, null, null, shippingAddressId, billingAddressId, null, giftRecipientId,
                giftRecipientId == null ? null : newPlanId, membership.type().wireName(), membership.group(),
                metadata);
    }

    /**
     * A member's replacement when its admin's change of plan moves the group ({@link #replacementOn}), keeping the
     * member's place in time: a scheduled member still starts on its {@code start_date}, a trialing one keeps its
     * trial to its {@code trial_end} (a member is not charged earlier because its admin changed plan).
     */
    public NewSubscription memberReplacementOn(String newPlanId, Instant now) {
        NewSubscription plain = replacementOn(newPlanId);
        boolean scheduled = status == SubscriptionStatus.SCHEDULED && startDate != null && startDate.isAfter(now);
        boolean trial = trialEnd != null && trialEnd.isAfter(now)
                && (status == SubscriptionStatus.TRIALING || scheduled);
        if (!scheduled && !trial) {
            return plain;
        }
        return new NewSubscription(plain.customerId(), plain.planId(), plain.quantity(), plain.collectionMethod(),
                plain.daysUntilDue(), trial ? null : 0, trial ? trialEnd : null, scheduled ? startDate : null,
                plain.cancelAtPeriodEnd(), plain.autoRenew(), plain.shippingAddressId(), plain.billingAddressId(),
                plain.nextInvoiceDate(), plain.giftRecipientId(), plain.giftPlanId(), plain.membershipType(),
                plain.membershipGroup(), plain.metadata());
    }

    // ---- lifecycle: what happens at a due time ----------------------------------------------------------------

    /** The result of a period end (or of a trial end, or of a start). */
    public sealed interface Step {
        Subscription subscription();
    }

    /** A new period began: {@code previous} was the period that ended. */
    public record Renewed(Subscription subscription, Period previous) implements Step {
    }

    public record Expired(Subscription subscription) implements Step {
    }

    public record Canceled(Subscription subscription) implements Step {
    }

    /** The trial ended or the scheduled start came: the subscription is active (or trialing) now. */
    public record Began(Subscription subscription, List<String> changedFields) implements Step {
    }

    /**
     * The current period ended at {@code at}: cancel (cancel_at_period_end), renew (auto_renew or a renewal asked
     * for ahead, with its plan) or expire. Refused when the item is stale: the subscription is not in a renewing
     * state, or its period does not end at {@code at} (a renewal never happens twice for one period).
     */
    public Outcome<Step> periodEnded(Instant at, Instant now) {
        if (status == SubscriptionStatus.PAUSED) {
            return Outcome.refused(Rejection.conflict("paused", "a paused subscription does not renew: its period "
                    + "end moved by the pause, and it renews there once resumed"));
        }
        if (!status.renewsAtPeriodEnd()) {
            return Outcome.refused(Rejection.conflict("no_period_to_end",
                    "a " + status.wireName() + " subscription does not reach a period end"));
        }
        if (!at.equals(currentPeriodEnd)) {
            return Outcome.refused(Rejection.conflict("stale_period_end",
                    "the current period ends at " + currentPeriodEnd + ", not " + at));
        }
        Draft d = draft(now);
        if (cancelAtPeriodEnd) {
            d.become(SubscriptionStatus.CANCELED);
            d.endedAt = at;
            d.cancelAtPeriodEnd = false;
            return Outcome.done(new Canceled(d.build()));
        }
        if (scheduledRenewal == null && !autoRenew) {
            d.become(SubscriptionStatus.EXPIRED);
            d.endedAt = at;
            return Outcome.done(new Expired(d.build()));
        }
        Period previous = currentPeriod();
        PlanTerms nextPlan = scheduledRenewal != null ? scheduledRenewal.plan() : plan;
        Period next = nextPeriodOn(nextPlan);
        if (!keepsCycle(nextPlan)) {
            d.billingCycleAnchor = at;
        }
        d.plan = nextPlan;
        d.enter(next);
        d.scheduledRenewal = null;
        d.initialPeriodPaid = false;
        return Outcome.done(new Renewed(d.build(), previous));
    }

    /**
     * Whether the term after the current period on {@code next} continues this cycle: same interval and count, and
     * the current period ends on the cycle's boundary (a pause moved it off the cycle: the next term then starts a
     * new cycle anchored at the moved end).
     */
    private boolean keepsCycle(PlanTerms next) {
        return next.interval() == plan.interval() && next.intervalCount() == plan.intervalCount()
                && periodNumber >= 0
                && plan.cycleFrom(billingCycleAnchor).boundary(periodNumber + 1).equals(currentPeriodEnd);
    }

    /**
     * The period that follows the current one on plan {@code next}: the next period of the cycle anchored at
     * {@code billingCycleAnchor} when the cycle is unchanged (so a Jan 31 anchor gives Feb 28 -> Mar 31), otherwise
     * the first period of a new cycle anchored at the current period's end. A renewal asked for ahead announces
     * exactly the term the period end then creates.
     */
    public Period nextPeriodOn(PlanTerms next) {
        return keepsCycle(next) ? plan.cycleFrom(billingCycleAnchor).period(periodNumber + 1)
                : next.cycleFrom(currentPeriodEnd).first();
    }

    /** The trial ended at {@code at}: the first billing period begins (or it ends, if set to cancel). */
    public Outcome<Step> trialEnded(Instant at, Instant now) {
        if (status != SubscriptionStatus.TRIALING) {
            return Outcome.refused(Rejection.conflict("not_trialing", "a " + status.wireName()
                    + " subscription has no trial to end"));
        }
        if (!at.equals(trialEnd)) {
            return Outcome.refused(Rejection.conflict("stale_trial_end", "the trial ends at " + trialEnd));
        }
        Draft d = draft(now);
        if (cancelAtPeriodEnd) {
            d.become(SubscriptionStatus.CANCELED);
            d.endedAt = at;
            d.cancelAtPeriodEnd = false;
            return Outcome.done(new Canceled(d.build()));
        }
        if (scheduledRenewal != null) {
            d.plan = scheduledRenewal.plan();
            d.scheduledRenewal = null;
        }
        d.become(SubscriptionStatus.ACTIVE);
        d.billingCycleAnchor = at;
        d.enter(d.plan.cycleFrom(at).first());
        return Outcome.done(new Began(d.build(), List.of("status", "current_period_start", "current_period_end",
                "shipments_remaining")));
    }

    /** The start date came: into the trial, or into the first period. */
    public Outcome<Step> started(Instant at, Instant now) {
        if (status != SubscriptionStatus.SCHEDULED) {
            return Outcome.refused(Rejection.conflict("not_scheduled", "a " + status.wireName()
                    + " subscription has already started"));
        }
        if (!at.equals(startDate)) {
            return Outcome.refused(Rejection.conflict("stale_start", "the subscription starts at " + startDate));
        }
        Draft d = draft(now);
        if (trialEnd != null) {
            d.become(SubscriptionStatus.TRIALING);
            d.trialStart = at;
            d.currentPeriodStart = at;
            d.currentPeriodEnd = trialEnd;
            d.periodNumber = -1;
            return Outcome.done(new Began(d.build(), List.of("status", "trial_start")));
        }
        d.become(SubscriptionStatus.ACTIVE);
        d.enter(plan.cycleFrom(billingCycleAnchor).first());
        return Outcome.done(new Began(d.build(), List.of("status", "shipments_remaining")));
    }

    /** When trial_will_end should be announced, if this subscription is in (or will start into) a trial. */
    public Instant trialWillEndAt() {
        if (trialEnd == null || !(status == SubscriptionStatus.TRIALING || status == SubscriptionStatus.SCHEDULED)) {
            return null;
        }
        Instant at = trialEnd.minus(TRIAL_WILL_END_NOTICE);
        Instant trialBegins = status == SubscriptionStatus.SCHEDULED ? startDate : trialStart;
        return at.isBefore(trialBegins) ? trialBegins : at;
    }

    /** The snapshot field names that differ between two versions (for subscription.updated). */
    public List<String> changedFieldsSince(Subscription before) {
        List<String> changed = new ArrayList<>();
        diff(changed, "plan", before.plan.planId(), plan.planId());
        diff(changed, "status", before.status, status);
        diff(changed, "current_period_start", before.currentPeriodStart, currentPeriodStart);
        diff(changed, "current_period_end", before.currentPeriodEnd, currentPeriodEnd);
        diff(changed, "trial_start", before.trialStart, trialStart);
        diff(changed, "trial_end", before.trialEnd, trialEnd);
        diff(changed, "auto_renew", before.autoRenew, autoRenew);
        diff(changed, "cancel_at_period_end", before.cancelAtPeriodEnd, cancelAtPeriodEnd);
        diff(changed, "canceled_at", before.canceledAt, canceledAt);
        diff(changed, "ended_at", before.endedAt, endedAt);
        diff(changed, "shipments_remaining", before.shipmentsRemaining, shipmentsRemaining);
        diff(changed, "shipments_undeliverable", before.shipmentsUndeliverable, shipmentsUndeliverable);
        diff(changed, "shipments_suspended_until", before.shipmentsSuspendedUntil, shipmentsSuspendedUntil);
        diff(changed, "shipping_address", before.shippingAddressId, shippingAddressId);
        diff(changed, "billing_address", before.billingAddressId, billingAddressId);
        diff(changed, "scheduled_renewal", before.scheduledRenewal, scheduledRenewal);
        diff(changed, "metadata", before.metadata, metadata);
        diff(changed, "renews_at", before.renewsAt(), renewsAt());
        diff(changed, "expires_at", before.expiresAt(), expiresAt());
        diff(changed, "next_invoice_date", before.nextInvoiceDate(), nextInvoiceDate());
        diff(changed, "pause_start_at", before.pause.startAt(), pause.startAt());
        diff(changed, "pause_end_at", before.pause.endAt(), pause.endAt());
        return changed;
    }

    private static void diff(List<String> changed, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(field);
        }
    }

    // ---- copying ------------------------------------------------------------------------------------------------

    Draft draft(Instant now) {
        return new Draft(this, now);
    }

    /** A mutable copy used inside this package to build the next version of a subscription. */
    static final class Draft {
        String id;
        String siteId;
        boolean livemode;
        String customerId;
        PlanTerms plan;
        int quantity;
        CollectionMethod collectionMethod;
        Integer daysUntilDue;
        SubscriptionStatus status;
        Instant startDate;
        Instant trialStart;
        Instant trialEnd;
        Instant billingCycleAnchor;
        long periodNumber;
        Instant currentPeriodStart;
        Instant currentPeriodEnd;
        boolean autoRenew;
        boolean cancelAtPeriodEnd;
        Instant canceledAt;
        Instant endedAt;
        boolean initialPeriodPaid;
        int shipmentsRemaining;
        boolean shipmentsUndeliverable;
        Instant shipmentsSuspendedUntil;
        String shippingAddressId;
        String billingAddressId;
        String giftRecipientId;
        Membership membership;
        String replaces;
        ScheduledRenewal scheduledRenewal;
        Map<String, String> metadata;
        Instant createdAt;
        Instant updatedAt;
        PauseState pause = PauseState.NONE;

        Draft() {
        }

        Draft(Subscription s, Instant now) {
            id = s.id;
            siteId = s.siteId;
            livemode = s.livemode;
            customerId = s.customerId;
            plan = s.plan;
            quantity = s.quantity;
            collectionMethod = s.collectionMethod;
            daysUntilDue = s.daysUntilDue;
            status = s.status;
            startDate = s.startDate;
            trialStart = s.trialStart;
            trialEnd = s.trialEnd;
            billingCycleAnchor = s.billingCycleAnchor;
            periodNumber = s.periodNumber;
            currentPeriodStart = s.currentPeriodStart;
            currentPeriodEnd = s.currentPeriodEnd;
            autoRenew = s.autoRenew;
            cancelAtPeriodEnd = s.cancelAtPeriodEnd;
            canceledAt = s.canceledAt;
            endedAt = s.endedAt;
            initialPeriodPaid = s.initialPeriodPaid;
            shipmentsRemaining = s.shipmentsRemaining;
            shipmentsUndeliverable = s.shipmentsUndeliverable;
            shipmentsSuspendedUntil = s.shipmentsSuspendedUntil;
            shippingAddressId = s.shippingAddressId;
            billingAddressId = s.billingAddressId;
            giftRecipientId = s.giftRecipientId;
            membership = s.membership;
            replaces = s.replaces;
            scheduledRenewal = s.scheduledRenewal;
            metadata = s.metadata;
            createdAt = s.createdAt;
            updatedAt = now;
            pause = s.pause;
        }

        /** Moves to {@code target}, which the state machine must allow from the current status. */
        void become(SubscriptionStatus target) {
            if (!status.canBecome(target)) {
                throw new IllegalStateException("illegal transition " + status + " -> " + target);
            }
            status = target;
            if (target.isTerminal()) {
                closePause();
            }
        }

        /**
         * Enters billing period {@code p}: its shipments are added (shipments_per_interval × quantity), saturating
         * at {@link #MAX_SHIPMENTS_REMAINING} (a renewal must never fail on arithmetic).
         */
        void enter(Period p) {
            pause = pause.newPeriod();
            periodNumber = p.number();
            currentPeriodStart = p.start();
            currentPeriodEnd = p.end();
            long added = (long) Math.max(0, plan.shipmentsPerInterval()) * Math.max(0, quantity);
            long sum = (long) shipmentsRemaining + added;
            // saturates: never above the cap because of a renewal (a count already above it is kept as it is)
            shipmentsRemaining = sum <= MAX_SHIPMENTS_REMAINING ? (int) sum
                    : Math.max(shipmentsRemaining, MAX_SHIPMENTS_REMAINING);
        }

        /** Moves the current period's end (and a trial's end, while in or paused from a trial) by {@code by}. */
        void moveCurrentEnd(java.time.Duration by) {
            if (trialEnd != null && trialEnd.equals(currentPeriodEnd) && periodNumber < 0) {
                trialEnd = trialEnd.plus(by);
            }
            currentPeriodEnd = currentPeriodEnd.plus(by);
        }

        /**
         * An ended subscription is in no pause: the pause's window goes (the year's count stays, so a pause this
         * year still counts), and so does the shipment suspension the pause set.
         */
        void closePause() {
            if (!pause.isPaused()) {
                return;
            }
            if (pause.endAt().equals(shipmentsSuspendedUntil)) {
                shipmentsSuspendedUntil = null;
            }
            pause = pause.end(java.time.Duration.ZERO);
        }

        /** A renewal asked for ahead announces the term that follows the (moved) current period. */
        Draft rescheduleRenewal() {
            if (scheduledRenewal != null) {
                Period term = build().nextPeriodOn(scheduledRenewal.plan());
                scheduledRenewal = new ScheduledRenewal(scheduledRenewal.plan(), term.start(), term.end(),
                        scheduledRenewal.requestedAt());
            }
            return this;
        }

        Subscription build() {
            return new Subscription(id, siteId, livemode, customerId, plan, quantity, collectionMethod, daysUntilDue,
                    status, startDate, trialStart, trialEnd, billingCycleAnchor, periodNumber, currentPeriodStart,
                    currentPeriodEnd, autoRenew, cancelAtPeriodEnd, canceledAt, endedAt, initialPeriodPaid,
                    shipmentsRemaining, shipmentsUndeliverable, shipmentsSuspendedUntil, shippingAddressId,
                    billingAddressId, giftRecipientId, membership, replaces, scheduledRenewal, metadata, createdAt,
                    updatedAt, pause);
        }
    }
}
