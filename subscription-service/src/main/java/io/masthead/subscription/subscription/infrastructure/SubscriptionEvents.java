package io.masthead.subscription.subscription.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.SubscriptionCanceled;
import io.masthead.events.subscription.SubscriptionCreated;
import io.masthead.events.subscription.SubscriptionExpired;
import io.masthead.events.subscription.SubscriptionRenewalScheduled;
import io.masthead.events.subscription.SubscriptionRenewed;
import io.masthead.events.subscription.SubscriptionTrialWillEnd;
import io.masthead.events.subscription.SubscriptionUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.subscription.events.SubscriptionTopic;
import io.masthead.subscription.subscription.model.Period;
import io.masthead.subscription.subscription.model.PlanTerms;
import io.masthead.subscription.subscription.model.ScheduledRenewal;
import io.masthead.subscription.subscription.model.Subscription;
import java.util.List;

/** The Avro events of subscriptions, each with the full snapshot, keyed by the (paying) customer id. */
public final class SubscriptionEvents {

    public static final String CREATED = "subscription.created";
    public static final String UPDATED = "subscription.updated";
    public static final String RENEWED = "subscription.renewed";
    public static final String CANCELED = "subscription.canceled";
    public static final String EXPIRED = "subscription.expired";
    public static final String TRIAL_WILL_END = "subscription.trial_will_end";
    public static final String RENEWAL_SCHEDULED = "subscription.renewal_scheduled";

    private SubscriptionEvents() {
    }

    public static OutboxMessage created(EventHeader header, Subscription s) {
        return message(header, s, SubscriptionCreated.newBuilder().setHeader(header).setSubscription(snapshot(s, header))
                .setReplaces(s.replaces()).build());
    }

    public static OutboxMessage updated(EventHeader header, Subscription s, List<String> changedFields) {
        return message(header, s, SubscriptionUpdated.newBuilder().setHeader(header).setSubscription(snapshot(s, header))
                .setChangedFields(changedFields).build());
    }

    public static OutboxMessage renewed(EventHeader header, Subscription s, Period previous) {
        return message(header, s, SubscriptionRenewed.newBuilder().setHeader(header).setSubscription(snapshot(s, header))
                .setPreviousPeriodStart(previous.start()).setPreviousPeriodEnd(previous.end())
                .setPeriodNumber(s.periodNumber()).build());
    }

    public static OutboxMessage canceled(EventHeader header, Subscription s, String refund, long refundAmount,
            String replacedBy) {
        return message(header, s, SubscriptionCanceled.newBuilder().setHeader(header).setSubscription(snapshot(s, header))
                .setRefund(refund).setRefundAmount(refundAmount).setReplacedBy(replacedBy).build());
    }

    public static OutboxMessage expired(EventHeader header, Subscription s) {
        return message(header, s, SubscriptionExpired.newBuilder().setHeader(header).setSubscription(snapshot(s, header))
                .build());
    }

    public static OutboxMessage trialWillEnd(EventHeader header, Subscription s) {
        return message(header, s, SubscriptionTrialWillEnd.newBuilder().setHeader(header)
                .setSubscription(snapshot(s, header)).build());
    }

    public static OutboxMessage renewalScheduled(EventHeader header, Subscription s) {
        return message(header, s, SubscriptionRenewalScheduled.newBuilder().setHeader(header)
                .setSubscription(snapshot(s, header)).build());
    }

    private static OutboxMessage message(EventHeader header, Subscription s,
            org.apache.avro.specific.SpecificRecord event) {
        return SubscriptionTopic.message(header, s.customerId(), event);
    }

    /** The snapshot as of the event of {@code header}: "this year" of the pause counts is the year it occurred in. */
    public static io.masthead.events.subscription.Subscription snapshot(Subscription s, EventHeader header) {
        return snapshot(s, header.getOccurredAt());
    }

    /** The snapshot as of {@code updated_at} (the time of its latest change). */
    public static io.masthead.events.subscription.Subscription snapshot(Subscription s) {
        return snapshot(s, s.updatedAt());
    }

    /** The snapshot with the pause counts of the UTC calendar year of {@code at}. */
    public static io.masthead.events.subscription.Subscription snapshot(Subscription s, java.time.Instant at) {
        PlanTerms p = s.plan();
        int pausesThisYear = s.pause().pausesInYearOf(at);
        return io.masthead.events.subscription.Subscription.newBuilder()
                .setId(s.id())
                .setCustomerId(s.customerId())
                .setStatus(s.status().wireName())
                .setPlanId(p.planId())
                .setProductId(p.productId())
                .setPlanAmount(p.amount())
                .setCurrency(p.currency())
                .setInterval(p.interval().wireName())
                .setIntervalCount(p.intervalCount())
                .setShipmentsPerInterval(p.shipmentsPerInterval())
                .setPlanType(p.type())
                .setQuantity(s.quantity())
                .setCollectionMethod(s.collectionMethod().wireName())
                .setDaysUntilDue(s.daysUntilDue())
                .setStartDate(s.startDate())
                .setTrialStart(s.trialStart())
                .setTrialEnd(s.trialEnd())
                .setBillingCycleAnchor(s.billingCycleAnchor())
                .setCurrentPeriodStart(s.currentPeriodStart())
                .setCurrentPeriodEnd(s.currentPeriodEnd())
                .setRenewsAt(s.renewsAt())
                .setExpiresAt(s.expiresAt())
                .setAutoRenew(s.autoRenew())
                .setCancelAtPeriodEnd(s.cancelAtPeriodEnd())
                .setCanceledAt(s.canceledAt())
                .setEndedAt(s.endedAt())
                .setNextInvoiceDate(s.nextInvoiceDate())
                .setInitialPeriodPaid(s.initialPeriodPaid())
                .setShipmentsRemaining(s.shipmentsRemaining())
                .setShipmentsUndeliverable(s.shipmentsUndeliverable())
                .setShipmentsSuspendedUntil(s.shipmentsSuspendedUntil())
                .setShippingAddressId(s.shippingAddressId())
                .setBillingAddressId(s.billingAddressId())
                .setGiftRecipientId(s.giftRecipientId())
                .setMembershipType(s.membership().type().wireName())
                .setMembershipId(s.membership().group())
                .setMembershipAdminSubscriptionId(s.membership().adminSubscriptionId())
                .setReplaces(s.replaces())
                .setScheduledRenewal(renewal(s.scheduledRenewal()))
                .setMetadata(s.metadata())
                .setCreatedAt(s.createdAt())
                .setUpdatedAt(s.updatedAt())
                .setPauseStartAt(s.pause().startAt())
                .setPauseEndAt(s.pause().endAt())
                .setPauseUsedThisYear(pausesThisYear > 0)
                .setPausesThisYear(pausesThisYear)
                .build();
    }

    private static io.masthead.events.subscription.ScheduledRenewal renewal(ScheduledRenewal r) {
        if (r == null) {
            return null;
        }
        return io.masthead.events.subscription.ScheduledRenewal.newBuilder()
                .setPlanId(r.plan().planId())
                .setPlanAmount(r.plan().amount())
                .setCurrency(r.plan().currency())
                .setInterval(r.plan().interval().wireName())
                .setIntervalCount(r.plan().intervalCount())
                .setStartsAt(r.startsAt())
                .setEndsAt(r.endsAt())
                .setRequestedAt(r.requestedAt())
                .build();
    }
}
