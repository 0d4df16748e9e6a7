package io.masthead.customer.customer.infrastructure;

import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import io.masthead.customer.events.CustomerTopic;
import io.masthead.events.EventHeader;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import java.util.List;

/** The Avro events of customers, each carrying the full snapshot, keyed by the customer id. */
public final class CustomerEvents {

    public static final String CREATED = "customer.created";
    public static final String UPDATED = "customer.updated";

    private CustomerEvents() {
    }

    public static OutboxMessage created(EventHeader header, Customer customer) {
        return CustomerTopic.message(header, customer.id(),
                CustomerCreated.newBuilder().setHeader(header).setCustomer(snapshot(customer)).build());
    }

    public static OutboxMessage updated(EventHeader header, Customer customer, List<String> changedFields) {
        return CustomerTopic.message(header, customer.id(), CustomerUpdated.newBuilder().setHeader(header)
                .setCustomer(snapshot(customer)).setChangedFields(changedFields).build());
    }

    static io.masthead.events.customer.Customer snapshot(Customer c) {
        CustomerProfile p = c.profile();
        return io.masthead.events.customer.Customer.newBuilder()
                .setId(c.id())
                .setOldProviderId(p.oldProviderId())
                .setEmail(p.email())
                .setFirstName(p.firstName())
                .setLastName(p.lastName())
                .setPhone(p.phone())
                .setTitle(p.title())
                .setSalutation(p.salutation())
                .setDisplayName(p.displayName())
                .setOrganizationId(p.organizationId())
                .setMetadata(p.metadata())
                .setCreatedAt(c.createdAt())
                .setUpdatedAt(c.updatedAt())
                .build();
    }
}
