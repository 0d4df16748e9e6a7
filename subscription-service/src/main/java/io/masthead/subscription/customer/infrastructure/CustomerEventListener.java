package io.masthead.subscription.customer.infrastructure;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Address;
import io.masthead.events.customer.AddressCreated;
import io.masthead.events.customer.AddressUpdated;
import io.masthead.events.customer.Customer;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.events.customer.Organization;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.events.customer.OrganizationUpdated;
import io.masthead.platform.consumer.ConsumedValues;
import io.masthead.platform.consumer.PoisonRecordException;
import io.masthead.platform.events.EventRecords;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.subscription.customer.application.CustomerView;
import io.masthead.subscription.customer.application.CustomerView.Change;
import io.masthead.subscription.customer.model.AddressType;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import io.masthead.subscription.customer.model.KnownOrganization;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code customers.v1} into the customer view, one record at a time in its own consumer group
 * ({@code masthead.customer-view.group-id}, default {@code subscription-service.customer-view}), from the beginning
 * of the topic for a new group. Each record is applied through the inbox and the listener returns once that
 * transaction committed, so the offset is committed after the view changed. Failures are the platform's
 * ({@code ConsumerAutoConfiguration}): a record that did not decode or whose data the database refuses is poison
 * (dead-lettered), anything else is retried and holds the partition. Event types this view does not keep (a type
 * added to the topic later) are skipped. {@code masthead.customer-view.consumer.enabled=false} keeps the consumer from
 * starting.
 */
@Component
class CustomerEventListener {

    static final String LISTENER_ID = "subscription-customer-view";
    private static final Logger log = LoggerFactory.getLogger(CustomerEventListener.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CustomerView view;

    CustomerEventListener(CustomerView view) {
        this.view = view;
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false,
            groupId = "${masthead.customer-view.group-id:subscription-service.customer-view}",
            topics = "customers.v1", batch = "false",
            autoStartup = "${masthead.customer-view.consumer.enabled:true}",
            // notices customers.v1 within seconds when it is created after this service started (the local run
            // starts every service at once; customer-service creates the topic)
            properties = "metadata.max.age.ms=10000")
    void onEvent(ConsumerRecord<String, Object> record) {
        Object value = ConsumedValues.value(record);
        Change change = change(value, record);
        if (change == null) {
            log.debug("Skipped {} {}: not kept by the customer view", where(record), record.value().getClass());
            return;
        }
        view.apply(EventHeaders.eventId(record), EventRecords.headerOf(value), change).block(TIMEOUT);
    }

    private static Change change(Object value, ConsumerRecord<?, ?> record) {
        try {
            return switch (value) {
                case CustomerCreated e -> new Change.OfCustomer(customer(e.getHeader(), e.getCustomer()));
                case CustomerUpdated e -> new Change.OfCustomer(customer(e.getHeader(), e.getCustomer()));
                case AddressCreated e -> new Change.OfAddress(address(e.getHeader(), e.getAddress()));
                case AddressUpdated e -> new Change.OfAddress(address(e.getHeader(), e.getAddress()));
                case OrganizationCreated e ->
                        new Change.OfOrganization(organization(e.getHeader(), e.getOrganization()));
                case OrganizationUpdated e ->
                        new Change.OfOrganization(organization(e.getHeader(), e.getOrganization()));
                default -> null;
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            // a snapshot without what every snapshot has (a site, an id, a known address type) can never be kept
            throw new PoisonRecordException(where(record) + " is not a snapshot the customer view can keep: "
                    + e.getMessage(), e);
        }
    }

    static KnownCustomer customer(EventHeader header, Customer c) {
        return new KnownCustomer(c.getId(), header.getSiteId(), c.getOldProviderId(), c.getEmail(),
                c.getFirstName(), c.getLastName(), c.getPhone(), c.getDisplayName(), c.getOrganizationId(),
                c.getCreatedAt(), c.getUpdatedAt());
    }

    static KnownAddress address(EventHeader header, Address a) {
        return new KnownAddress(a.getId(), header.getSiteId(), a.getCustomerId(), AddressType.of(a.getType()),
                a.getFirstName(), a.getLastName(), a.getCompany(), a.getDepartment(), a.getLine1(), a.getLine2(),
                a.getCity(), a.getState(), a.getPostalCode(), a.getCountry(), a.getPhone(), a.getCreatedAt(),
                a.getUpdatedAt());
    }

    static KnownOrganization organization(EventHeader header, Organization o) {
        return new KnownOrganization(o.getId(), header.getSiteId(), o.getName(), o.getUpdatedAt());
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
