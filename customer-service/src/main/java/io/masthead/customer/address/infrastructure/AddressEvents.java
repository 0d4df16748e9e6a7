package io.masthead.customer.address.infrastructure;

import io.masthead.customer.address.model.Address;
import io.masthead.customer.address.model.AddressDetails;
import io.masthead.customer.events.CustomerTopic;
import io.masthead.events.EventHeader;
import io.masthead.events.customer.AddressCreated;
import io.masthead.events.customer.AddressUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import java.util.List;

/** The Avro events of addresses, keyed by the owning customer's id. */
public final class AddressEvents {

    public static final String CREATED = "address.created";
    public static final String UPDATED = "address.updated";

    private AddressEvents() {
    }

    public static OutboxMessage created(EventHeader header, Address a) {
        return CustomerTopic.message(header, a.customerId(),
                AddressCreated.newBuilder().setHeader(header).setAddress(snapshot(a)).build());
    }

    public static OutboxMessage updated(EventHeader header, Address a, List<String> changedFields) {
        return CustomerTopic.message(header, a.customerId(), AddressUpdated.newBuilder().setHeader(header)
                .setAddress(snapshot(a)).setChangedFields(changedFields).build());
    }

    static io.masthead.events.customer.Address snapshot(Address a) {
        AddressDetails d = a.details();
        return io.masthead.events.customer.Address.newBuilder()
                .setId(a.id()).setCustomerId(a.customerId()).setType(d.type())
                .setFirstName(d.firstName()).setLastName(d.lastName()).setSalutation(d.salutation())
                .setTitle(d.title()).setCompany(d.company()).setDepartment(d.department())
                .setLine1(d.line1()).setLine2(d.line2()).setCity(d.city()).setState(d.state())
                .setPostalCode(d.postalCode()).setCountry(d.country()).setPhone(d.phone())
                .setCreatedAt(a.createdAt()).setUpdatedAt(a.updatedAt())
                .build();
    }
}
