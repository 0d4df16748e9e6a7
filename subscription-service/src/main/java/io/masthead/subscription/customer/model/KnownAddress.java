package io.masthead.subscription.customer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A billing or shipping address of a customer as this service knows it (a copy of customer-service's address, as of
 * {@code updatedAt}): what a subscription's {@code shipping_address}/{@code billing_address} refer to, and the
 * company and department that subscriptions are searched by.
 */
public record KnownAddress(String id, String siteId, String customerId, AddressType type, String firstName,
        String lastName, String company, String department, String line1, String line2, String city, String state,
        String postalCode, String country, String phone, Instant createdAt, Instant updatedAt) {

    /** The prefix of address ids (customer-service's). */
    public static final String ID_PREFIX = "adr";

    public KnownAddress {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public boolean belongsTo(String customer) {
        return customerId.equals(customer);
    }
}
