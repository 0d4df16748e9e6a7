package io.masthead.customer.address.model;

import io.masthead.platform.model.RecordDiff;
import java.time.Instant;
import java.util.List;

/** A billing or shipping address of one customer. */
public record Address(String id, String siteId, String customerId, AddressDetails details, Instant createdAt,
        Instant updatedAt) {

    public static final String ID_PREFIX = "adr";

    public static Address create(String id, String siteId, String customerId, AddressDetails details, Instant now) {
        return new Address(id, siteId, customerId, details, now, now);
    }

    public Address withDetails(AddressDetails newDetails, Instant now) {
        return new Address(id, siteId, customerId, newDetails, createdAt, now);
    }

    public List<String> changedFieldsSince(Address before) {
        return RecordDiff.changedFields(before.details, details);
    }
}
