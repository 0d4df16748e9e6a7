package io.masthead.subscription.subscription.model;

import io.masthead.platform.validation.Metadata;
import io.masthead.platform.validation.Violations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A subscription to create, as the client asked for it. {@link #validate} names every field that breaks a rule;
 * {@link #toSubscription} builds the subscription from valid input, its plan's terms and the site's time.
 */
public record NewSubscription(String customerId, String planId, Integer quantity, String collectionMethod,
        Integer daysUntilDue, Integer trialPeriodDays, Instant trialEnd, Instant startDate, Boolean cancelAtPeriodEnd,
        Boolean autoRenew, String shippingAddressId, String billingAddressId, Instant nextInvoiceDate,
        String giftRecipientId, String giftPlanId, String membershipType, String membershipGroup,
        Map<String, String> metadata) {

    public static final int MAX_QUANTITY = 100_000;
    public static final int MAX_TRIAL_DAYS = 730;
    public static final int MAX_DAYS_UNTIL_DUE = 365;
    public static final int DEFAULT_DAYS_UNTIL_DUE = 30;

    public int quantityOrDefault() {
        return quantity == null ? 1 : quantity;
    }

    public Membership.Type membershipTypeOrDefault() {
        return membershipType == null ? Membership.Type.REGULAR : Membership.Type.parse(membershipType);
    }

    /** The shape rules that need neither the plan nor the database. */
    public Violations validate(Instant now) {
        Violations v = new Violations();
        v.require("customer", customerId);
        v.require("plan", planId);
        v.checkIfPresent("quantity", quantity, q -> q >= 1 && q <= MAX_QUANTITY,
                "must be between 1 and " + MAX_QUANTITY);
        v.checkIfPresent("collection_method", collectionMethod, CollectionMethod::isKnown,
                "must be charge_automatically or send_invoice");
        v.checkIfPresent("days_until_due", daysUntilDue, d -> d >= 0 && d <= MAX_DAYS_UNTIL_DUE,
                "must be between 0 and " + MAX_DAYS_UNTIL_DUE);
        if (daysUntilDue != null && !"send_invoice".equals(collectionMethod)) {
            v.add("days_until_due", "applies to collection_method send_invoice only");
        }
        if (trialPeriodDays != null && trialEnd != null) {
            v.add("trial_end", "give trial_period_days or trial_end, not both");
        }
        v.checkIfPresent("trial_period_days", trialPeriodDays, d -> d >= 0 && d <= MAX_TRIAL_DAYS,
                "must be between 0 and " + MAX_TRIAL_DAYS);
        // Times first: every later rule (and the period arithmetic) may rely on them being in range.
        int before = v.list().size();
        v.timeAtMostYearsAhead("start_date", startDate, now, Subscription.MAX_YEARS_AHEAD);
        boolean startInRange = v.list().size() == before;
        v.timeAtMostYearsAhead("trial_end", trialEnd, now, Subscription.MAX_YEARS_AHEAD);
        v.timeAtMostYearsAhead("next_invoice_date", nextInvoiceDate, now, Subscription.MAX_YEARS_AHEAD);
        Instant start = startDate == null || !startInRange ? now : startDate;
        v.checkIfPresent("trial_end", trialEnd, t -> t.isAfter(now), "must be in the future");
        v.checkIfPresent("trial_end", trialEnd, t -> !t.isAfter(now) || t.isAfter(start),
                "must be after start_date");
        if (trialPeriodDays != null && trialPeriodDays > 0
                && !start.plus(Duration.ofDays(trialPeriodDays)).isAfter(now)) {
            v.add("trial_period_days", "the trial would have ended before now (start_date is too far back)");
        }
        v.checkIfPresent("type", membershipType, Membership.Type::isKnown, "must be regular, admin or member");
        v.maxLength("membership", membershipGroup, 255);
        v.maxLength("shipping_address", shippingAddressId, 64);
        v.maxLength("billing_address", billingAddressId, 64);
        Metadata.validate("metadata", metadata, v);
        return v;
    }

    /** The rules that need the plan: trial defaults, addresses, next_invoice_date = current_period_end. */
    public Violations validate(PlanTerms plan, Instant now) {
        Violations v = new Violations();
        if (plan.addressRequired() && shippingAddressId == null && billingAddressId == null) {
            v.add("shipping_address", "the product requires an address: give shipping_address or billing_address");
        }
        Instant trial = trialEndFor(plan, now);
        if (trial != null && !trial.isAfter(now) && trialEnd == null) {
            v.add("trial_period_days", "the plan's trial would have ended before now (start_date is too far back)");
            return v;
        }
        if (nextInvoiceDate != null) {
            Subscription draft = toSubscription("sub_check", "site", false, plan, Membership.REGULAR, now, null);
            if (draft.status() == SubscriptionStatus.TRIALING || (draft.status() == SubscriptionStatus.SCHEDULED
                    && draft.trialEnd() != null)) {
                v.add("next_invoice_date", "a subscription with a trial is invoiced at its trial_end, "
                        + "next_invoice_date does not apply");
            } else if (!nextInvoiceDate.equals(draft.currentPeriodEnd())) {
                v.add("next_invoice_date", "must match current_period_end (" + draft.currentPeriodEnd() + ")");
            }
        }
        return v;
    }

    /** The end of the trial this subscription starts with, or null (an explicit 0 days overrides the plan's). */
    Instant trialEndFor(PlanTerms plan, Instant now) {
        if (trialEnd != null) {
            return trialEnd;
        }
        Instant start = startDate == null ? now : startDate;
        Integer days = trialPeriodDays != null ? trialPeriodDays : plan.trialPeriodDays();
        return days == null || days <= 0 ? null : start.plus(Duration.ofDays(days));
    }

    /**
     * The subscription this input creates at site time {@code now}: scheduled when it starts in the future,
     * trialing when it has a trial, otherwise active in the period of its cycle that contains now (a migrated
     * subscription whose start_date is in the past continues its cycle; with a next_invoice_date its current period
     * is already paid).
     */
    public Subscription toSubscription(String id, String siteId, boolean livemode, PlanTerms plan,
            Membership membership, Instant now, String replaces) {
        Subscription.Draft d = new Subscription.Draft();
        d.id = id;
        d.siteId = siteId;
        d.livemode = livemode;
        d.customerId = customerId;
        d.plan = plan;
        d.quantity = quantityOrDefault();
        d.collectionMethod = collectionMethod == null ? CollectionMethod.CHARGE_AUTOMATICALLY
                : CollectionMethod.parse(collectionMethod);
        d.daysUntilDue = d.collectionMethod == CollectionMethod.SEND_INVOICE
                ? (daysUntilDue == null ? DEFAULT_DAYS_UNTIL_DUE : daysUntilDue) : null;
        Instant start = startDate == null ? now : startDate;
        Instant trial = trialEndFor(plan, now);
        d.startDate = start;
        d.trialEnd = trial;
        d.billingCycleAnchor = trial != null ? trial : start;
        d.autoRenew = autoRenew != null ? autoRenew : plan.autoRenew();
        d.cancelAtPeriodEnd = Boolean.TRUE.equals(cancelAtPeriodEnd);
        d.canceledAt = d.cancelAtPeriodEnd ? now : null;
        d.initialPeriodPaid = nextInvoiceDate != null;
        d.shippingAddressId = shippingAddressId;
        d.billingAddressId = billingAddressId;
        d.giftRecipientId = giftRecipientId;
        d.membership = membership;
        d.replaces = replaces;
        d.metadata = metadata;
        d.createdAt = now;
        d.updatedAt = now;
        if (start.isAfter(now)) {
            d.status = SubscriptionStatus.SCHEDULED;
            Period first = trial != null ? null : plan.cycleFrom(start).first();
            d.periodNumber = -1;
            d.currentPeriodStart = start;
            d.currentPeriodEnd = trial != null ? trial : first.end();
        } else if (trial != null) {
            d.status = SubscriptionStatus.TRIALING;
            d.trialStart = start;
            d.periodNumber = -1;
            d.currentPeriodStart = start;
            d.currentPeriodEnd = trial;
        } else {
            d.status = SubscriptionStatus.ACTIVE;
            d.enter(plan.cycleFrom(start).periodContaining(now));
        }
        return d.build();
    }
}
