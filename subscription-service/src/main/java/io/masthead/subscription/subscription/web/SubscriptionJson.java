package io.masthead.subscription.subscription.web;

import io.masthead.subscription.subscription.model.NewSubscription;
import io.masthead.subscription.subscription.model.ScheduledRenewal;
import io.masthead.subscription.subscription.model.Subscription;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** The subscription resource as JSON (snake_case), and the bodies of its requests. */
public final class SubscriptionJson {

    private SubscriptionJson() {
    }

    static final String SUBSCRIPTION_ID = "sub_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String CUSTOMER_ID = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String PLAN_ID = "pln_01jt3z8x9k2m4n6p8q0r2s4t6v";

    @Schema(description = "A gift: the customer pays, the recipient holds the subscription (1:1, same plan)")
    record Gift(@Schema(description = "The customer who receives the gift", example = CUSTOMER_ID) String recipient,
            @Schema(description = "If given, must be the subscription's plan") String plan) {
    }

    @Schema(description = "A new subscription")
    record CreateSubscription(
            @Schema(description = "The customer who pays", example = CUSTOMER_ID, requiredMode = Schema.RequiredMode.REQUIRED)
            String customer,
            @Schema(example = PLAN_ID, requiredMode = Schema.RequiredMode.REQUIRED) String plan,
            @Schema(description = "At least 1; default 1", example = "1") Integer quantity,
            @Schema(allowableValues = {"charge_automatically", "send_invoice"}) String collectionMethod,
            @Schema(description = "send_invoice only; default 30") Integer daysUntilDue,
            @Schema(description = "Overrides the plan's trial; 0 for none") Integer trialPeriodDays,
            @Schema(description = "The trial's end, in the future (instead of trial_period_days)") Instant trialEnd,
            @Schema(description = "In the future: the subscription is scheduled; in the past: a migrated subscription "
                    + "continuing its cycle") Instant startDate,
            Boolean cancelAtPeriodEnd,
            @Schema(description = "Default: the plan's auto_renew") Boolean autoRenew,
            @Schema(description = "An address id of the customer (of the recipient, for a gift)") String shippingAddress,
            @Schema(description = "An address id of the customer") String billingAddress,
            @Schema(description = "Release 1.54: an already-paid (migrated) current period; no invoice until then. "
                    + "Must equal current_period_end") Instant nextInvoiceDate,
            Gift gift,
            @Schema(allowableValues = {"regular", "admin", "member"}, description = "Membership role; default regular")
            String type,
            @Schema(description = "The membership group id (admin and member)") String membership,
            Map<String, String> metadata) {

        NewSubscription toInput() {
            return new NewSubscription(customer, plan, quantity, collectionMethod, daysUntilDue, trialPeriodDays,
                    trialEnd, startDate, cancelAtPeriodEnd, autoRenew, shippingAddress, billingAddress,
                    nextInvoiceDate, gift == null ? null : gift.recipient(), gift == null ? null : gift.plan(), type,
                    membership, metadata);
        }

        boolean giftWithoutRecipient() {
            return gift != null && gift.recipient() == null;
        }
    }

    @Schema(description = "A JSON merge patch: the fields to change; null clears one, absent ones are kept")
    record UpdateSubscription(String shippingAddress, String billingAddress, Integer shipmentsRemaining,
            Boolean shipmentsUndeliverable, Instant shipmentsSuspendedUntil, Boolean cancelAtPeriodEnd,
            Boolean autoRenew, Map<String, String> metadata) {
    }

    @Schema(description = "Cancel now (at_period_end false, the default) or at the end of the current period")
    record CancelSubscription(Boolean atPeriodEnd,
            @Schema(allowableValues = {"none", "prorated", "full"}, description = "To the customer's balance; "
                    + "immediate cancellations only; default none") String refund) {
    }

    @Schema(description = "Cancel this subscription with a refund and start one on another plan")
    record ChangePlan(@Schema(example = PLAN_ID, requiredMode = Schema.RequiredMode.REQUIRED) String plan,
            @Schema(allowableValues = {"none", "prorated", "full"}) String refund) {
    }

    @Schema(description = "Schedule the next term ahead of time, optionally on another plan")
    record Renew(@Schema(description = "Default: the current plan") String plan) {
    }

    @Schema(name = "ScheduledRenewal")
    record RenewalResource(String plan, long amount, String currency, String interval, int intervalCount,
            Instant startsAt, Instant endsAt, Instant requestedAt) {
        static RenewalResource of(ScheduledRenewal r) {
            return r == null ? null : new RenewalResource(r.plan().planId(), r.plan().amount(), r.plan().currency(),
                    r.plan().interval().wireName(), r.plan().intervalCount(), r.startsAt(), r.endsAt(),
                    r.requestedAt());
        }
    }

    @Schema(name = "SubscriptionGift")
    record GiftResource(String recipient) {
    }

    @Schema(name = "Subscription", description = "A customer's subscription to a plan")
    public record SubscriptionResource(
            @Schema(example = SUBSCRIPTION_ID) String id,
            @Schema(allowableValues = "subscription") String object,
            @Schema(allowableValues = {"scheduled", "trialing", "active", "past_due", "unpaid", "paused", "canceled",
                "expired"}) String status,
            @Schema(example = CUSTOMER_ID) String customer,
            @Schema(example = PLAN_ID) String plan,
            String product,
            @Schema(description = "The plan's unit amount, minor units") long amount,
            String currency,
            String interval,
            int intervalCount,
            int quantity,
            String collectionMethod,
            Integer daysUntilDue,
            Instant startDate,
            Instant trialStart,
            Instant trialEnd,
            Instant billingCycleAnchor,
            Instant currentPeriodStart,
            Instant currentPeriodEnd,
            @Schema(description = "The next scheduled renewal; absent when none is coming") Instant renewsAt,
            @Schema(description = "When access ends as things stand; absent while it renews") Instant expiresAt,
            boolean autoRenew,
            boolean cancelAtPeriodEnd,
            Instant canceledAt,
            Instant endedAt,
            @Schema(description = "Equals current_period_end while the subscription goes on") Instant nextInvoiceDate,
            int shipmentsRemaining,
            boolean shipmentsUndeliverable,
            Instant shipmentsSuspendedUntil,
            @Schema(description = "Release 1.54: same as shipments_suspended_until; absent = not suspended")
            Instant suspendedUntil,
            String shippingAddress,
            String billingAddress,
            GiftResource gift,
            @Schema(allowableValues = {"regular", "admin", "member"}) String type,
            String membership,
            @Schema(description = "A member's admin subscription") String membershipAdmin,
            @Schema(description = "The subscription a change of plan replaced with this one") String replaces,
            RenewalResource scheduledRenewal,
            Map<String, String> metadata,
            Instant createdAt,
            Instant updatedAt,
            @Schema(description = "When the pause it is in began; absent when it is not paused") Instant pauseStartAt,
            @Schema(description = "When the pause it is in ends: it resumes by itself then; absent when not paused")
            Instant pauseEndAt,
            @Schema(description = "Whether a pause began this calendar year (UTC, the site's time): a subscriber "
                    + "can pause once per calendar year") boolean pauseUsedThisYear,
            @Schema(description = "Pauses begun this calendar year (more than 1 only by an admin's override)")
            int pausesThisYear) {

        /** The resource as of {@code now} (the site's time): the pause counts are of its UTC calendar year. */
        public static SubscriptionResource of(Subscription s, Instant now) {
            int pausesThisYear = s.pause().pausesInYearOf(now);
            return new SubscriptionResource(s.id(), "subscription", s.status().wireName(), s.customerId(),
                    s.plan().planId(), s.plan().productId(), s.plan().amount(), s.plan().currency(),
                    s.plan().interval().wireName(), s.plan().intervalCount(), s.quantity(),
                    s.collectionMethod().wireName(), s.daysUntilDue(), s.startDate(), s.trialStart(), s.trialEnd(),
                    s.billingCycleAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.renewsAt(), s.expiresAt(),
                    s.autoRenew(), s.cancelAtPeriodEnd(), s.canceledAt(), s.endedAt(), s.nextInvoiceDate(),
                    s.shipmentsRemaining(), s.shipmentsUndeliverable(), s.shipmentsSuspendedUntil(),
                    s.shipmentsSuspendedUntil(), s.shippingAddressId(), s.billingAddressId(),
                    s.giftRecipientId() == null ? null : new GiftResource(s.giftRecipientId()),
                    s.membership().type().wireName(), s.membership().group(), s.membership().adminSubscriptionId(),
                    s.replaces(), RenewalResource.of(s.scheduledRenewal()), s.metadata(), s.createdAt(),
                    s.updatedAt(), s.pause().startAt(), s.pause().endAt(), pausesThisYear > 0, pausesThisYear);
        }
    }

    static final String[] CSV_HEADER = {"id", "status", "customer", "plan", "product", "amount", "currency",
        "interval", "interval_count", "quantity", "collection_method", "start_date", "trial_end",
        "current_period_start", "current_period_end", "renews_at", "expires_at", "auto_renew", "cancel_at_period_end",
        "canceled_at", "ended_at", "next_invoice_date", "shipments_remaining", "shipments_undeliverable",
        "shipments_suspended_until", "shipping_address", "billing_address", "gift_recipient", "type", "membership",
        "replaces", "metadata", "created_at", "updated_at"};

    static Object[] csvRow(Subscription s) {
        return new Object[] {s.id(), s.status().wireName(), s.customerId(), s.plan().planId(), s.plan().productId(),
            s.plan().amount(), s.plan().currency(), s.plan().interval().wireName(), s.plan().intervalCount(),
            s.quantity(), s.collectionMethod().wireName(), s.startDate(), s.trialEnd(), s.currentPeriodStart(),
            s.currentPeriodEnd(), s.renewsAt(), s.expiresAt(), s.autoRenew(), s.cancelAtPeriodEnd(), s.canceledAt(),
            s.endedAt(), s.nextInvoiceDate(), s.shipmentsRemaining(), s.shipmentsUndeliverable(),
            s.shipmentsSuspendedUntil(), s.shippingAddressId(), s.billingAddressId(), s.giftRecipientId(),
            s.membership().type().wireName(), s.membership().group(), s.replaces(),
            io.masthead.platform.r2dbc.Rows.json(s.metadata()).asString(), s.createdAt(), s.updatedAt()};
    }
}
