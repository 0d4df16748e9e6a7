package io.masthead.subscription.plan.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.PlanCreated;
import io.masthead.events.subscription.PlanDeleted;
import io.masthead.events.subscription.PlanUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.subscription.events.SubscriptionTopic;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanTerms;
import java.util.List;

/**
 * The Avro events of plans, keyed by the product id: a product's events and its plans' share one key, so they
 * stay in order (a plan created after its product is never seen before it).
 */
public final class PlanEvents {

    public static final String CREATED = "plan.created";
    public static final String UPDATED = "plan.updated";
    public static final String DELETED = "plan.deleted";

    private PlanEvents() {
    }

    public static OutboxMessage created(EventHeader header, Plan p) {
        return SubscriptionTopic.message(header, p.productId(),
                PlanCreated.newBuilder().setHeader(header).setPlan(snapshot(p)).build());
    }

    public static OutboxMessage updated(EventHeader header, Plan p, List<String> changedFields) {
        return SubscriptionTopic.message(header, p.productId(), PlanUpdated.newBuilder().setHeader(header)
                .setPlan(snapshot(p)).setChangedFields(changedFields).build());
    }

    public static OutboxMessage deleted(EventHeader header, Plan p) {
        return SubscriptionTopic.message(header, p.productId(),
                PlanDeleted.newBuilder().setHeader(header).setPlan(snapshot(p)).build());
    }

    static io.masthead.events.subscription.Plan snapshot(Plan p) {
        PlanTerms t = p.terms();
        return io.masthead.events.subscription.Plan.newBuilder()
                .setId(p.id())
                .setProduct(p.productId())
                .setNickname(t.nickname())
                .setDescription(t.description())
                .setAmount(t.amount())
                .setCurrency(t.currency())
                .setInterval(t.interval())
                .setIntervalCount(t.intervalCount())
                .setAutoRenew(t.autoRenew())
                .setAvailableOnline(t.availableOnline())
                .setShipmentsPerInterval(t.shipmentsPerInterval())
                .setType(t.type())
                .setRevenueRecognitionType(t.revenueRecognitionType())
                .setEntitlements(t.entitlements())
                .setTrialPeriodDays(t.trialPeriodDays())
                .setOldId(t.oldId())
                .setActive(t.isActive())
                .setMetadata(t.metadata())
                .setCreatedAt(p.createdAt())
                .setUpdatedAt(p.updatedAt())
                .build();
    }
}
