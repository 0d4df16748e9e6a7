package io.masthead.customer.customer.model;

import io.masthead.platform.model.RecordDiff;
import java.time.Instant;
import java.util.List;

/** A customer of a site: the underlying object subscriptions, invoices and payments attach to. */
public record Customer(String id, String siteId, CustomerProfile profile, Instant createdAt, Instant updatedAt) {

    public static final String ID_PREFIX = "cus";

    public static Customer create(String id, String siteId, CustomerProfile profile, Instant now) {
        return new Customer(id, siteId, profile, now, now);
    }

    public Customer withProfile(CustomerProfile newProfile, Instant now) {
        return new Customer(id, siteId, newProfile, createdAt, now);
    }

    /** The JSON names of the profile fields that differ from {@code before}. */
    public List<String> changedFieldsSince(Customer before) {
        return RecordDiff.changedFields(before.profile, profile);
    }
}
