package io.masthead.subscription.entitlement.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.CustomerEntitlements;
import io.masthead.events.subscription.EntitlementsUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.subscription.entitlement.model.ChangeReason;
import io.masthead.subscription.entitlement.model.Entitlement;
import io.masthead.subscription.entitlement.model.EntitlementChange;
import io.masthead.subscription.entitlement.model.EntitlementSet;
import io.masthead.subscription.events.SubscriptionTopic;

/** The Avro event of an entitlement change, keyed by the customer whose entitlements changed. */
public final class EntitlementEvents {

    public static final String UPDATED = "entitlements.updated";

    private EntitlementEvents() {
    }

    /**
     * @param causeEventId   the event that caused it, or null (a free-tier change has none)
     * @param causeEventType its type, or null
     */
    public static OutboxMessage updated(EventHeader header, EntitlementChange change, ChangeReason reason,
            String causeEventId, String causeEventType) {
        EntitlementsUpdated event = EntitlementsUpdated.newBuilder()
                .setHeader(header)
                .setCustomerEntitlements(snapshot(change.after()))
                .setPrevious(snapshot(change.before()))
                .setAdded(change.added())
                .setRemoved(change.removed())
                .setReason(reason.wireName())
                .setCauseEventId(causeEventId)
                .setCauseEventType(causeEventType)
                .build();
        return SubscriptionTopic.message(header, change.after().customerId(), event);
    }

    public static CustomerEntitlements snapshot(EntitlementSet set) {
        return CustomerEntitlements.newBuilder()
                .setCustomerId(set.customerId())
                .setSource(set.source().wireName())
                .setEntitlements(set.entitlements().stream().map(EntitlementEvents::entitlement).toList())
                .build();
    }

    private static io.masthead.events.subscription.Entitlement entitlement(Entitlement e) {
        return io.masthead.events.subscription.Entitlement.newBuilder()
                .setName(e.name()).setGrantedBy(e.grantedBy()).setFreeTier(e.freeTier()).build();
    }
}
