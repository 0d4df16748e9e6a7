package io.masthead.subscription.entitlement.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.PlanUpdated;
import io.masthead.platform.consumer.ConsumedValues;
import io.masthead.platform.consumer.PoisonRecordException;
import io.masthead.platform.events.EventRecords;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.subscription.entitlement.application.EntitlementSync;
import io.masthead.subscription.entitlement.model.EventPosition;
import io.masthead.subscription.entitlement.model.HeldSubscription;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes this service's own {@code subscriptions.v1} for the entitlement sync, one record at a time in a consumer
 * group of its own ({@code masthead.entitlements.group-id}, default {@code subscription-service.entitlements}; a new
 * group starts from the beginning of the topic; the inbox, whose consumer name does not change with the group, skips
 * every event already taken in).
 * Every event with a subscription snapshot (every {@code subscription.*} type, those added later too) is applied
 * with its snapshot and its position (partition, offset, {@code occurred_at}) to the sync's view of the subscription,
 * and its holder's set computed again; a {@code plan.updated} that changed {@code entitlements} starts a
 * resync of the plan's holders; everything else ({@code entitlements.updated} itself, product and other plan events)
 * is skipped. Each is applied through the inbox, which also counts it as activity of a test site (the test clock's
 * quiet check), and the listener returns once that transaction committed. Failures are the platform's
 * ({@code ConsumerAutoConfiguration}). {@code masthead.entitlements.consumer.enabled=false} keeps it from starting.
 */
@Component
class SubscriptionEventListener {

    static final String LISTENER_ID = "subscription-entitlements";
    private static final Logger log = LoggerFactory.getLogger(SubscriptionEventListener.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SUBSCRIPTION_FIELD = "subscription";

    private final EntitlementSync sync;

    SubscriptionEventListener(EntitlementSync sync) {
        this.sync = sync;
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false,
            groupId = "${masthead.entitlements.group-id:subscription-service.entitlements}",
            topics = "subscriptions.v1", batch = "false",
            autoStartup = "${masthead.entitlements.consumer.enabled:true}")
    void onEvent(ConsumerRecord<String, Object> record) {
        Object value = ConsumedValues.value(record);
        EventHeader header = EventRecords.headerOf(value);
        if (header == null) {
            throw new PoisonRecordException(where(record) + " is not an event with a header");
        }
        HeldSubscription subscription = subscriptionOf(value, record);
        if (subscription != null) {
            sync.onSubscriptionEvent(EventHeaders.eventId(record), header, subscription,
                    new EventPosition(record.partition(), record.offset(), header.getOccurredAt())).block(TIMEOUT);
        } else if (value instanceof PlanUpdated e && e.getChangedFields().contains("entitlements")) {
            sync.onPlanEntitlementsChanged(EventHeaders.eventId(record), header, e.getPlan().getId()).block(TIMEOUT);
        } else {
            log.debug("Skipped {} {}: no subscription changed", where(record), header.getEventType());
        }
    }

    /** The subscription of the event's snapshot as the sync keeps it; null for an event without one. */
    static HeldSubscription subscriptionOf(Object value, ConsumerRecord<?, ?> record) {
        if (!(value instanceof IndexedRecord event)) {
            return null;
        }
        Schema.Field field = event.getSchema().getField(SUBSCRIPTION_FIELD);
        if (field == null || !(event.get(field.pos()) instanceof IndexedRecord subscription)) {
            return null;
        }
        Object id = get(subscription, "id");
        Object payer = get(subscription, "customer_id");
        Object plan = get(subscription, "plan_id");
        Object status = get(subscription, "status");
        if (id == null || payer == null || plan == null || status == null) {
            throw new PoisonRecordException(where(record)
                    + ": a subscription snapshot without id, customer_id, plan_id or status");
        }
        Object recipient = get(subscription, "gift_recipient_id");
        return HeldSubscription.of(id.toString(), payer.toString(), recipient == null ? null : recipient.toString(),
                plan.toString(), status.toString());
    }

    private static Object get(IndexedRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
