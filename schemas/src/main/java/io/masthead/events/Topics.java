package io.masthead.events;

import io.masthead.events.customer.AddressCreated;
import io.masthead.events.customer.AddressUpdated;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.events.customer.OrganizationUpdated;
import io.masthead.events.subscription.PlanCreated;
import io.masthead.events.subscription.PlanDeleted;
import io.masthead.events.subscription.PlanUpdated;
import io.masthead.events.subscription.ProductCreated;
import io.masthead.events.subscription.ProductDeleted;
import io.masthead.events.subscription.ProductUpdated;
import io.masthead.events.site.TestClockReady;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The typed catalogue of topics: each topic's name, partition count, writing service, key, and the
 * event types (public name to Avro record) it carries. One writer per topic; the key is the customer
 * id (the organization id for organization events), so every topic keeps per-customer order.
 */
public enum Topics {

    CUSTOMERS("customers.v1", 12, "customer-service", Map.of(
            "customer.created", CustomerCreated.getClassSchema(),
            "customer.updated", CustomerUpdated.getClassSchema(),
            "organization.created", OrganizationCreated.getClassSchema(),
            "organization.updated", OrganizationUpdated.getClassSchema(),
            "address.created", AddressCreated.getClassSchema(),
            "address.updated", AddressUpdated.getClassSchema())),

    SUBSCRIPTIONS("subscriptions.v1", 12, "subscription-service", Map.ofEntries(
            // product.*, plan.*, subscription.* and entitlements.updated events, keyed by the customer id (the product
            // id for catalog events, which concern no customer)
            Map.entry("product.created", ProductCreated.getClassSchema()),
            Map.entry("product.updated", ProductUpdated.getClassSchema()),
            Map.entry("product.deleted", ProductDeleted.getClassSchema()),
            Map.entry("plan.created", PlanCreated.getClassSchema()),
            Map.entry("plan.updated", PlanUpdated.getClassSchema()),
            Map.entry("plan.deleted", PlanDeleted.getClassSchema()),
            Map.entry("subscription.created", io.masthead.events.subscription.SubscriptionCreated.getClassSchema()),
            Map.entry("subscription.updated", io.masthead.events.subscription.SubscriptionUpdated.getClassSchema()),
            Map.entry("subscription.renewed", io.masthead.events.subscription.SubscriptionRenewed.getClassSchema()),
            Map.entry("subscription.canceled", io.masthead.events.subscription.SubscriptionCanceled.getClassSchema()),
            Map.entry("subscription.expired", io.masthead.events.subscription.SubscriptionExpired.getClassSchema()),
            Map.entry("subscription.trial_will_end",
                    io.masthead.events.subscription.SubscriptionTrialWillEnd.getClassSchema()),
            Map.entry("subscription.renewal_scheduled",
                    io.masthead.events.subscription.SubscriptionRenewalScheduled.getClassSchema()),
            Map.entry("subscription.paused", io.masthead.events.subscription.SubscriptionPaused.getClassSchema()),
            Map.entry("subscription.resumed", io.masthead.events.subscription.SubscriptionResumed.getClassSchema()),
            // keyed by the customer whose entitlements changed (docs/entitlements.md)
            Map.entry("entitlements.updated", io.masthead.events.subscription.EntitlementsUpdated.getClassSchema())
            )),

    /** Events about a site itself, keyed by the site id: the test clock's (docs/test-clocks.md). */
    SITES("sites.v1", 12, "gateway", Map.of(
            "test_clock.ready", TestClockReady.getClassSchema()));

    private final String topicName;
    private final int partitions;
    private final String writer;
    private final Map<String, Schema> eventTypes;

    Topics(String topicName, int partitions, String writer, Map<String, Schema> eventTypes) {
        this.topicName = topicName;
        this.partitions = partitions;
        this.writer = writer;
        this.eventTypes = eventTypes;
    }

    public String topicName() {
        return topicName;
    }

    public int partitions() {
        return partitions;
    }

    public String writer() {
        return writer;
    }

    /** Public event name to the Avro schema of its record. */
    public Map<String, Schema> eventTypes() {
        return eventTypes;
    }

    /** Every event type name of every topic, e.g. for webhook subscriptions. */
    public static List<String> allEventTypes() {
        return java.util.Arrays.stream(values()).flatMap(t -> t.eventTypes.keySet().stream()).sorted().toList();
    }

    /** Whether {@code record} is an event this topic carries. */
    public boolean carries(SpecificRecord record) {
        return eventTypes.containsValue(record.getSchema());
    }
}
